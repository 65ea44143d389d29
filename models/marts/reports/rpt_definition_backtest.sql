{#- Backtest of each definition, week by week: replayed point in time (fct_backtest_panel), how
    many eligible entities were qualified as of the last day of the week, how many of them
    converted in the following var pql_backtest_window_days days, and the precision, recall and
    lift over the base rate that gives. Every definition in the configuration gets a row for
    every week the panel covers, including one that never qualifies anyone. -#}
{%- set window_days = var('pql_backtest_window_days') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

panel as (
    select * from {{ ref('fct_backtest_panel') }}
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
    select distinct
        week_start,
        as_of_date,
        is_outcome_complete
    from panel
),

counts as (
    select
        definition_id,
        as_of_date,
        count(*) as eligible_count,
        sum(case when is_qualified then 1 else 0 end) as qualified_count,
        sum(case when is_newly_qualified then 1 else 0 end) as newly_qualified_count,
        sum(case when converted_within_window then 1 else 0 end) as converted_count,
        sum(case when is_qualified and converted_within_window then 1 else 0 end)
            as qualified_converted_count
    from panel
    group by
        definition_id,
        as_of_date
),

filled as (
    select
        definitions.definition_id,
        definitions.definition_version,
        definitions.entity,
        definitions.motion,
        definitions.score_threshold,
        weeks.week_start,
        weeks.as_of_date,
        weeks.is_outcome_complete,
        coalesce(counts.eligible_count, 0) as eligible_count,
        coalesce(counts.qualified_count, 0) as qualified_count,
        coalesce(counts.newly_qualified_count, 0) as newly_qualified_count,
        coalesce(counts.converted_count, 0) as converted_count,
        coalesce(counts.qualified_converted_count, 0) as qualified_converted_count
    from definitions
    cross join weeks
    left join counts
        on
            definitions.definition_id = counts.definition_id
            and weeks.as_of_date = counts.as_of_date
),

rated as (
    select
        *,
        eligible_count - qualified_count as not_qualified_count,
        converted_count - qualified_converted_count as not_qualified_converted_count,
        {{ safe_divide('qualified_converted_count', 'qualified_count') }} as precision_rate,
        {{ safe_divide('qualified_converted_count', 'converted_count') }} as recall_rate,
        {{ safe_divide('converted_count', 'eligible_count') }} as base_rate,
        {{ safe_divide('converted_count - qualified_converted_count', 'eligible_count - qualified_count') }}
            as not_qualified_conversion_rate,
        {{ wilson_bound('qualified_converted_count', 'qualified_count', 'lower') }} as precision_ci_low,
        {{ wilson_bound('qualified_converted_count', 'qualified_count', 'upper') }} as precision_ci_high
    from filled
),

final as (
    select
        definition_id || '|' || {{ dbt.cast('as_of_date', dbt.type_string()) }} as backtest_id,
        definition_id,
        definition_version,
        entity,
        motion,
        cast(score_threshold as {{ numeric }}) as score_threshold,
        week_start,
        as_of_date,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        is_outcome_complete,
        cast(eligible_count as {{ dbt.type_bigint() }}) as eligible_count,
        cast(qualified_count as {{ dbt.type_bigint() }}) as qualified_count,
        cast(newly_qualified_count as {{ dbt.type_bigint() }}) as newly_qualified_count,
        cast(not_qualified_count as {{ dbt.type_bigint() }}) as not_qualified_count,
        cast(converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(qualified_converted_count as {{ dbt.type_bigint() }}) as qualified_converted_count,
        cast(not_qualified_converted_count as {{ dbt.type_bigint() }}) as not_qualified_converted_count,
        cast(precision_rate as {{ numeric }}) as precision_rate,
        cast(precision_ci_low as {{ numeric }}) as precision_ci_low,
        cast(precision_ci_high as {{ numeric }}) as precision_ci_high,
        cast(recall_rate as {{ numeric }}) as recall_rate,
        cast(base_rate as {{ numeric }}) as base_rate,
        cast(not_qualified_conversion_rate as {{ numeric }}) as not_qualified_conversion_rate,
        cast({{ safe_divide('precision_rate', 'base_rate') }} as {{ numeric }}) as lift
    from rated
)

select * from final
