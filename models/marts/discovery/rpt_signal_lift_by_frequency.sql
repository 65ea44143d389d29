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

{{ frequency_cutoff_cells(
    'behaviour_counts', 'population',
    ['entity', 'feature_type', 'feature_id'],
    ['entity_id'],
) }},

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
        {{ lift_cell_columns() }},
        cast(did_conversion_rate as {{ numeric }}) as did_conversion_rate,
        cast(not_did_conversion_rate as {{ numeric }}) as not_did_conversion_rate,
        {{ lift_test_columns() }},
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
