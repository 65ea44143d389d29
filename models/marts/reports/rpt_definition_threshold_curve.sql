{#- The threshold curve of each definition: for every score cut-off (every score an eligible
    entity had on a backtest date, plus the definition's own threshold), how many entities per
    week would have been at or above it, and the precision, recall and lift that cut-off gives
    on the weeks whose conversion window is complete. A team picks the cut-off whose weekly
    volume its sales capacity can work. The cut-off applies to the behaviour score alone: the
    definition's required signals, fit gate and anti-flapping are not replayed here (the
    backtest report measures the definition as configured). -#}
{%- set window_days = var('pql_backtest_window_days') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

panel as (
    select * from {{ ref('fct_backtest_panel') }}
    where is_outcome_complete
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

definitions as (
    select distinct
        definition_id,
        definition_version,
        entity,
        motion,
        score_threshold
    from config
),

weeks as (
    select count(distinct as_of_date) as week_count
    from panel
),

by_score as (
    select
        definition_id,
        score,
        count(*) as entity_week_count,
        sum(case when converted_within_window then 1 else 0 end) as converted_count
    from panel
    group by
        definition_id,
        score

    union all

    {# the configured threshold is always a cut-off, even when no entity had that exact score #}
    select
        definition_id,
        cast(score_threshold as {{ numeric }}) as score,
        0 as entity_week_count,
        0 as converted_count
    from definitions
),

cutoffs as (
    select
        definition_id,
        score as cutoff_score,
        sum(entity_week_count) as entity_week_count,
        sum(converted_count) as converted_count
    from by_score
    group by
        definition_id,
        score
),

cumulative as (
    select
        cutoffs.definition_id,
        cutoffs.cutoff_score,
        sum(cutoffs.entity_week_count) over (
            partition by cutoffs.definition_id
            order by cutoffs.cutoff_score desc
            rows between unbounded preceding and current row
        ) as selected_count,
        sum(cutoffs.converted_count) over (
            partition by cutoffs.definition_id
            order by cutoffs.cutoff_score desc
            rows between unbounded preceding and current row
        ) as selected_converted_count,
        sum(cutoffs.entity_week_count) over (partition by cutoffs.definition_id) as eligible_count,
        sum(cutoffs.converted_count) over (partition by cutoffs.definition_id) as total_converted_count
    from cutoffs
),

final as (
    select
        cumulative.definition_id || '|' || {{ dbt.cast('cumulative.cutoff_score', dbt.type_string()) }}
            as threshold_curve_id,
        cumulative.definition_id,
        definitions.definition_version,
        definitions.entity,
        definitions.motion,
        cast(cumulative.cutoff_score as {{ numeric }}) as cutoff_score,
        cumulative.cutoff_score = cast(definitions.score_threshold as {{ numeric }})
            as is_configured_threshold,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        cast(weeks.week_count as {{ dbt.type_bigint() }}) as week_count,
        cast(cumulative.eligible_count as {{ dbt.type_bigint() }}) as eligible_entity_week_count,
        cast(cumulative.selected_count as {{ dbt.type_bigint() }}) as selected_entity_week_count,
        cast(cumulative.selected_converted_count as {{ dbt.type_bigint() }}) as selected_converted_count,
        cast(cumulative.total_converted_count as {{ dbt.type_bigint() }}) as converted_entity_week_count,
        cast({{ safe_divide('cumulative.selected_count', 'weeks.week_count') }} as {{ numeric }})
            as avg_weekly_volume,
        cast({{ safe_divide('cumulative.selected_count', 'cumulative.eligible_count') }} as {{ numeric }})
            as selected_share,
        cast(
            {{ safe_divide('cumulative.selected_converted_count', 'cumulative.selected_count') }}
            as {{ numeric }}
        ) as precision_rate,
        cast(
            {{ safe_divide('cumulative.selected_converted_count', 'cumulative.total_converted_count') }}
            as {{ numeric }}
        ) as recall_rate,
        cast(
            {{ safe_divide('cumulative.total_converted_count', 'cumulative.eligible_count') }}
            as {{ numeric }}
        ) as base_rate,
        cast(
            {{ safe_divide(
                safe_divide('cumulative.selected_converted_count', 'cumulative.selected_count'),
                safe_divide('cumulative.total_converted_count', 'cumulative.eligible_count')
            ) }}
            as {{ numeric }}
        ) as lift
    from cumulative
    inner join definitions
        on cumulative.definition_id = definitions.definition_id
    cross join weeks
)

select * from final
