{#- "PQLs convert N times better than MQLs", measured. For each new-business definition, four
    groups of leads (users for a user definition, accounts for an account definition):
    pql (qualified at least once; clock from the first qualification date), mql (an MQL in the
    CRM; clock from mql_at; accounts: the first MQL among the account's contacts), pql_and_mql
    (both; clock from the later) and neither (the non-qualified rest; clock from signup). The
    groups pql and mql overlap by pql_and_mql. For each: the share that got a first opportunity,
    a won deal, and converted (won or self-serve paid) within var pql_conversion_window_days
    days of the clock start, counted only over leads whose window is complete in the data and
    who had not converted before the clock started; and the ratios to the mql and neither
    groups. Which lead is in which group, and what happened in its window, is fct_lead_outcomes
    (defined once, read here and by the metric layer).

    The population is stated on every row (population, data_as_of_date): the windowed rates
    count complete windows only. The neither group leaves out the leads that converted on
    their signup day, before they could qualify (same_day_converted_count says how many). Beside
    the windowed rates, the simple whole-period comparison: of every lead in the group, the
    share that converted at any time after its clock started, up to the end of the data
    (longer-standing groups have had more time to convert, which is why the windowed rates are
    the ones to quote). -#}
{%- set window_days = var('pql_conversion_window_days') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

leads as (
    select * from {{ ref('fct_leads') }}
),

lead_outcomes as (
    select * from {{ ref('fct_lead_outcomes') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

-- left out of the neither group: converted on their signup day, before they could qualify
same_day_buyers as (
    select
        entity,
        definition_id,
        'neither' as lead_group,
        count(*) as same_day_converted_count
    from leads
    where qualified_at is null and mql_at is null and is_converted_at_signup
    group by entity, definition_id
),

definitions as (
    select distinct
        entity,
        definition_id
    from leads
),

lead_group_names as (
    select 'pql' as lead_group
    union all
    select 'mql' as lead_group
    union all
    select 'pql_and_mql' as lead_group
    union all
    select 'neither' as lead_group
),

lead_groups as (
    select
        definitions.entity,
        definitions.definition_id,
        lead_group_names.lead_group
    from definitions
    cross join lead_group_names
),

counts as (
    select
        entity,
        definition_id,
        lead_group,
        count(*) as entity_count,
        sum(case when is_window_complete then 1 else 0 end) as measured_count,
        sum(case when is_window_complete and had_opportunity_before then 1 else 0 end)
            as had_opportunity_before_count,
        sum(case when is_window_complete and has_opportunity then 1 else 0 end) as opportunity_count,
        sum(case when is_window_complete and is_won then 1 else 0 end) as won_count,
        sum(case when is_window_complete and is_converted then 1 else 0 end) as converted_count,
        sum(case when is_converted_in_period then 1 else 0 end) as whole_period_converted_count,
        {{ percentile_cont('case when is_window_complete then days_to_conversion end', 0.5) }}
            as median_days_to_conversion
    from lead_outcomes
    group by
        entity,
        definition_id,
        lead_group
),

filled as (
    select
        lead_groups.entity,
        lead_groups.definition_id,
        lead_groups.lead_group,
        coalesce(counts.entity_count, 0) as entity_count,
        coalesce(counts.measured_count, 0) as measured_count,
        coalesce(counts.had_opportunity_before_count, 0) as had_opportunity_before_count,
        coalesce(counts.opportunity_count, 0) as opportunity_count,
        coalesce(counts.won_count, 0) as won_count,
        coalesce(counts.converted_count, 0) as converted_count,
        coalesce(counts.whole_period_converted_count, 0) as whole_period_converted_count,
        coalesce(same_day_buyers.same_day_converted_count, 0) as same_day_converted_count,
        counts.median_days_to_conversion
    from lead_groups
    left join counts
        on
            lead_groups.entity = counts.entity
            and lead_groups.definition_id = counts.definition_id
            and lead_groups.lead_group = counts.lead_group
    left join same_day_buyers
        on
            lead_groups.entity = same_day_buyers.entity
            and lead_groups.definition_id = same_day_buyers.definition_id
            and lead_groups.lead_group = same_day_buyers.lead_group
),

rated as (
    select
        *,
        {{ safe_divide('opportunity_count', 'measured_count') }} as opportunity_rate,
        {{ safe_divide('won_count', 'measured_count') }} as won_rate,
        {{ safe_divide('converted_count', 'measured_count') }} as conversion_rate,
        {{ wilson_bound('converted_count', 'measured_count', 'lower') }} as conversion_rate_ci_low,
        {{ wilson_bound('converted_count', 'measured_count', 'upper') }} as conversion_rate_ci_high,
        {{ safe_divide('whole_period_converted_count', 'entity_count') }} as whole_period_conversion_rate
    from filled
),

baselines as (
    select
        entity,
        definition_id,
        max(case when lead_group = 'mql' then opportunity_rate end) as mql_opportunity_rate,
        max(case when lead_group = 'mql' then won_rate end) as mql_won_rate,
        max(case when lead_group = 'mql' then conversion_rate end) as mql_conversion_rate,
        max(case when lead_group = 'neither' then conversion_rate end) as neither_conversion_rate,
        max(case when lead_group = 'mql' then whole_period_conversion_rate end)
            as mql_whole_period_conversion_rate
    from rated
    group by
        entity,
        definition_id
),

final as (
    select
        rated.entity || '|' || rated.definition_id || '|' || rated.lead_group as pql_vs_mql_id,
        rated.entity,
        rated.definition_id,
        rated.lead_group,
        cast({{ window_days }} as {{ dbt.type_int() }}) as conversion_window_days,
        cast(rated.entity_count as {{ dbt.type_bigint() }}) as entity_count,
        cast(rated.measured_count as {{ dbt.type_bigint() }}) as measured_count,
        cast(rated.had_opportunity_before_count as {{ dbt.type_bigint() }}) as had_opportunity_before_count,
        cast(rated.opportunity_count as {{ dbt.type_bigint() }}) as opportunity_count,
        cast(rated.won_count as {{ dbt.type_bigint() }}) as won_count,
        cast(rated.converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(rated.opportunity_rate as {{ dbt.type_numeric() }}) as opportunity_rate,
        cast(rated.won_rate as {{ dbt.type_numeric() }}) as won_rate,
        cast(rated.conversion_rate as {{ dbt.type_numeric() }}) as conversion_rate,
        cast(rated.conversion_rate_ci_low as {{ numeric }}) as conversion_rate_ci_low,
        cast(rated.conversion_rate_ci_high as {{ numeric }}) as conversion_rate_ci_high,
        cast({{ safe_divide('rated.opportunity_rate', 'baselines.mql_opportunity_rate') }} as {{ numeric }})
            as opportunity_rate_vs_mql,
        cast({{ safe_divide('rated.won_rate', 'baselines.mql_won_rate') }} as {{ numeric }})
            as won_rate_vs_mql,
        cast({{ safe_divide('rated.conversion_rate', 'baselines.mql_conversion_rate') }} as {{ numeric }})
            as conversion_rate_vs_mql,
        cast(
            {{ safe_divide('rated.conversion_rate', 'baselines.neither_conversion_rate') }}
            as {{ dbt.type_numeric() }}
        ) as conversion_rate_vs_neither,
        cast(rated.median_days_to_conversion as {{ dbt.type_numeric() }}) as median_days_to_conversion,
        'complete ' || cast({{ window_days }} as {{ dbt.type_string() }}) || '-day windows only: '
        || 'leads whose window ends by ' || cast(data_as_of.data_as_of_date as {{ dbt.type_string() }})
        || ' (the end of the data), not converted before the clock started'
        || case
            when rated.lead_group = 'neither'
                then '; leads that converted on their signup day, before they could qualify, left out'
            else ''
        end as population,
        data_as_of.data_as_of_date,
        cast(rated.same_day_converted_count as {{ dbt.type_bigint() }}) as same_day_converted_count,
        cast(rated.whole_period_converted_count as {{ dbt.type_bigint() }}) as whole_period_converted_count,
        cast(rated.whole_period_conversion_rate as {{ numeric }}) as whole_period_conversion_rate,
        cast(
            {{ safe_divide(
                'rated.whole_period_conversion_rate', 'baselines.mql_whole_period_conversion_rate'
            ) }} as {{ numeric }}
        ) as whole_period_conversion_rate_vs_mql
    from rated
    cross join data_as_of
    inner join baselines
        on
            rated.entity = baselines.entity
            and rated.definition_id = baselines.definition_id
)

select * from final
