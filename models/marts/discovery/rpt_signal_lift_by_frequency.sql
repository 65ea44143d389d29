{#- Lift of doing a behaviour often: for every event name, page path and page host, per entity
    (user, account), the lift on new-business conversion of doing it at least k times in the
    observation window, at cut-offs k taken from the doers' own distribution (at least once,
    the median, p75 and p90 of the doers' counts, rounded up; equal cut-offs are one row).
    Same population, window, interval and multiple-comparison corrections as rpt_signal_lift;
    the adjustment counts every row of the entity in this report. -#}
{%- set min_sample = var('pql_lift_min_sample') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

population as (
    select * from {{ ref('fct_lift_population') }}
),

behaviour_counts as (
    select * from {{ ref('fct_lift_behaviour_counts') }}
    where feature_type in ('event', 'page_path', 'page_host')
),

totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from population
    group by entity
),

doer_quantiles as (
    select
        entity,
        feature_type,
        feature_id,
        {{ percentile_cont('behaviour_count', 0.5) }} as p50,
        {{ percentile_cont('behaviour_count', 0.75) }} as p75,
        {{ percentile_cont('behaviour_count', 0.9) }} as p90
    from behaviour_counts
    group by
        entity,
        feature_type,
        feature_id
),

cutoff_candidates as (
    select
        entity,
        feature_type,
        feature_id,
        'at_least_once' as cutoff_label,
        1 as label_order,
        1 as cutoff_count
    from doer_quantiles
    union all
    select
        entity,
        feature_type,
        feature_id,
        'median' as cutoff_label,
        2 as label_order,
        cast(ceil(p50) as {{ dbt.type_bigint() }}) as cutoff_count
    from doer_quantiles
    union all
    select
        entity,
        feature_type,
        feature_id,
        'p75' as cutoff_label,
        3 as label_order,
        cast(ceil(p75) as {{ dbt.type_bigint() }}) as cutoff_count
    from doer_quantiles
    union all
    select
        entity,
        feature_type,
        feature_id,
        'p90' as cutoff_label,
        4 as label_order,
        cast(ceil(p90) as {{ dbt.type_bigint() }}) as cutoff_count
    from doer_quantiles
),

cutoffs_ranked as (
    select
        *,
        row_number() over (
            partition by entity, feature_type, feature_id, cutoff_count
            order by label_order asc
        ) as label_rank
    from cutoff_candidates
),

cutoffs as (
    select * from cutoffs_ranked
    where label_rank = 1
),

did_counts as (
    select
        cutoffs.entity,
        cutoffs.feature_type,
        cutoffs.feature_id,
        cutoffs.cutoff_count,
        count(*) as did_count,
        sum(case when population.is_converted then 1 else 0 end) as did_converted_count
    from cutoffs
    inner join behaviour_counts
        on
            cutoffs.entity = behaviour_counts.entity
            and cutoffs.feature_type = behaviour_counts.feature_type
            and cutoffs.feature_id = behaviour_counts.feature_id
            and cutoffs.cutoff_count <= behaviour_counts.behaviour_count
    inner join population
        on
            behaviour_counts.entity = population.entity
            and behaviour_counts.entity_id = population.entity_id
    group by
        cutoffs.entity,
        cutoffs.feature_type,
        cutoffs.feature_id,
        cutoffs.cutoff_count
),

cells as (
    select
        cutoffs.entity,
        cutoffs.feature_type,
        cutoffs.feature_id,
        cutoffs.cutoff_label,
        cutoffs.cutoff_count,
        totals.population_count,
        totals.converted_count,
        did_counts.did_count,
        did_counts.did_converted_count,
        totals.population_count - did_counts.did_count as not_did_count,
        totals.converted_count - did_counts.did_converted_count as not_did_converted_count
    from cutoffs
    inner join totals
        on cutoffs.entity = totals.entity
    inner join did_counts
        on
            cutoffs.entity = did_counts.entity
            and cutoffs.feature_type = did_counts.feature_type
            and cutoffs.feature_id = did_counts.feature_id
            and cutoffs.cutoff_count = did_counts.cutoff_count
),

{{ lift_estimates('cells', 'entity') }},

flagged as (
    select
        *,
        did_count < {{ min_sample }} or not_did_count < {{ min_sample }} as is_small_sample
    from lift_estimated
),

final as (
    select
        entity
        || '|'
        || feature_type
        || '|'
        || feature_id
        || '|'
        || cast(cutoff_count as {{ dbt.type_string() }})
            as frequency_lift_id,
        entity,
        feature_type,
        feature_id,
        cutoff_label,
        cast(cutoff_count as {{ dbt.type_bigint() }}) as cutoff_count,
        cast(population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(did_count as {{ dbt.type_bigint() }}) as did_count,
        cast(did_converted_count as {{ dbt.type_bigint() }}) as did_converted_count,
        cast(not_did_count as {{ dbt.type_bigint() }}) as not_did_count,
        cast(not_did_converted_count as {{ dbt.type_bigint() }}) as not_did_converted_count,
        cast(did_conversion_rate as {{ numeric }}) as did_conversion_rate,
        cast(not_did_conversion_rate as {{ numeric }}) as not_did_conversion_rate,
        cast(lift as {{ numeric }}) as lift,
        cast(lift_ci_low as {{ numeric }}) as lift_ci_low,
        cast(lift_ci_high as {{ numeric }}) as lift_ci_high,
        cast(lift_ci_low_adjusted as {{ numeric }}) as lift_ci_low_adjusted,
        cast(p_value as {{ numeric }}) as p_value,
        cast(q_value as {{ numeric }}) as q_value,
        coalesce(lift_ci_low > 1, false) as is_significant,
        coalesce(lift_ci_low_adjusted > 1, false) as is_significant_adjusted,
        cast({{ safe_divide('did_converted_count', 'converted_count') }} as {{ numeric }})
            as recall_rate,
        cast({{ safe_divide('did_count', 'population_count') }} as {{ numeric }})
            as coverage_rate,
        is_small_sample,
        cast(row_number() over (
            partition by entity
            order by
                case when is_small_sample then 1 else 0 end asc,
                case when lift_ci_low_adjusted is null then 1 else 0 end asc,
                lift_ci_low_adjusted desc,
                lift_ci_low desc,
                feature_type asc,
                feature_id asc,
                cutoff_count asc
        ) as {{ dbt.type_int() }}) as lift_rank
    from flagged
)

select * from final
