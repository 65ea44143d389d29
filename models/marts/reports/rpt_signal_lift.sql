{#- Lift of every event and every configured signal on new-business conversion, per entity
    (user, account).

    Measured before conversion, without post-conversion usage, on fct_lift_population: the
    entities still unconverted var pql_lift_observation_days days after signup (observation
    end), whose following var pql_conversion_window_days days are complete in the data. An
    entity "did" a behaviour when it sent the event (a user's own events; an account's events
    from non-internal users) or the signal fired at full weight (state history) in the same
    window [signup, observation end) (fct_lift_behaviour_counts); it converted when it
    converted within the window after the observation end.

    Rates carry Wilson intervals; lift (did vs did-not conversion rate, a relative risk)
    carries a log interval (Katz), with half a count added to every cell when one is 0
    (including everyone who did it converting), and, beside it, the multiple-comparison view
    of all the rows of the entity: a Benjamini-Hochberg q-value and a Bonferroni-adjusted lower
    bound. A behaviour with fewer than var pql_lift_min_sample entities on either side is
    flagged as a small sample and ranked after all others; within each group rows rank by the
    adjusted lower bound, so neither a lucky small sample nor one of many tests ranks first. -#}
{%- set observation_days = var('pql_lift_observation_days') | int -%}
{%- set window_days = var('pql_conversion_window_days') | int -%}
{%- set min_sample = var('pql_lift_min_sample') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

population as (
    select * from {{ ref('fct_lift_population') }}
),

behaviour_counts as (
    select * from {{ ref('fct_lift_behaviour_counts') }}
    where feature_type in ('event', 'signal')
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from population
    group by entity
),

signals as (
    select distinct
        entity,
        definition_id,
        signal_id,
        category
    from config
),

features as (
    select distinct
        entity,
        'event' as feature_type,
        feature_id,
        feature_id as event_name,
        cast(null as {{ dbt.type_string() }}) as definition_id,
        cast(null as {{ dbt.type_string() }}) as signal_id,
        cast(null as {{ dbt.type_string() }}) as category
    from behaviour_counts
    where feature_type = 'event'

    union all

    select
        entity,
        'signal' as feature_type,
        definition_id || '|' || signal_id as feature_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        definition_id,
        signal_id,
        category
    from signals
),

done as (
    select
        entity,
        entity_id,
        feature_type,
        feature_id
    from behaviour_counts
    where behaviour_count >= 1
),

did_counts as (
    select
        done.entity,
        done.feature_type,
        done.feature_id,
        count(*) as did_count,
        sum(case when population.is_converted then 1 else 0 end) as did_converted_count
    from done
    inner join population
        on
            done.entity = population.entity
            and done.entity_id = population.entity_id
    group by
        done.entity,
        done.feature_type,
        done.feature_id
),

cells as (
    select
        features.*,
        totals.population_count,
        totals.converted_count,
        coalesce(did_counts.did_count, 0) as did_count,
        coalesce(did_counts.did_converted_count, 0) as did_converted_count,
        totals.population_count - coalesce(did_counts.did_count, 0) as not_did_count,
        totals.converted_count - coalesce(did_counts.did_converted_count, 0) as not_did_converted_count
    from features
    inner join totals
        on features.entity = totals.entity
    left join did_counts
        on
            features.entity = did_counts.entity
            and features.feature_type = did_counts.feature_type
            and features.feature_id = did_counts.feature_id
),

{{ lift_estimates('cells', 'entity') }},

bounded as (
    select
        *,
        {{ safe_divide('converted_count', 'population_count') }} as base_rate,
        did_count < {{ min_sample }} or not_did_count < {{ min_sample }} as is_small_sample
    from lift_estimated
),

final as (
    select
        entity || '|' || feature_type || '|' || feature_id as signal_lift_id,
        entity,
        feature_type,
        feature_id,
        event_name,
        definition_id,
        signal_id,
        category,
        cast({{ observation_days }} as {{ dbt.type_int() }}) as observation_days,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        {{ lift_cell_columns() }},
        cast(base_rate as {{ numeric }}) as base_rate,
        cast(did_conversion_rate as {{ numeric }}) as did_conversion_rate,
        cast({{ wilson_bound('did_converted_count', 'did_count', 'lower') }} as {{ numeric }})
            as did_conversion_rate_ci_low,
        cast({{ wilson_bound('did_converted_count', 'did_count', 'upper') }} as {{ numeric }})
            as did_conversion_rate_ci_high,
        cast(not_did_conversion_rate as {{ numeric }}) as not_did_conversion_rate,
        cast({{ wilson_bound('not_did_converted_count', 'not_did_count', 'lower') }} as {{ numeric }})
            as not_did_conversion_rate_ci_low,
        cast({{ wilson_bound('not_did_converted_count', 'not_did_count', 'upper') }} as {{ numeric }})
            as not_did_conversion_rate_ci_high,
        {{ lift_test_columns() }},
        cast({{ safe_divide('did_conversion_rate', 'base_rate') }} as {{ numeric }})
            as lift_over_base_rate,
        cast(did_conversion_rate as {{ numeric }}) as precision_rate,
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
                feature_id asc
        ) as {{ dbt.type_int() }}) as lift_rank
    from bounded
)

select * from final
