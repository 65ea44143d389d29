{#- What became of each lead of each lead group (pql, mql, pql_and_mql, neither; see
    rpt_pql_vs_mql) within var pql_conversion_window_days days of the clock start, one row per
    lead per group: the rows rpt_pql_vs_mql counts and the metric layer reads. A lead that had
    converted before its clock started is left out, and so is, from the neither group, a lead
    that converted on its signup day (fct_leads.is_converted_at_signup: it bought before it
    could qualify, so it says nothing about leads that did not qualify); a lead whose window is
    not complete in the data is kept and flagged (the windowed rates count only complete
    windows; is_converted_in_period serves the simple whole-period comparison). -#}
{%- set window_days = var('pql_conversion_window_days') | int -%}
with

leads as (
    select * from {{ ref('fct_leads') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

grouped as (
    select
        leads.*,
        'pql' as lead_group,
        leads.qualified_at as clock_started_at
    from leads
    where leads.qualified_at is not null

    union all

    select
        leads.*,
        'mql' as lead_group,
        leads.mql_at as clock_started_at
    from leads
    where leads.mql_at is not null

    union all

    select
        leads.*,
        'pql_and_mql' as lead_group,
        greatest(leads.qualified_at, leads.mql_at) as clock_started_at
    from leads
    where leads.qualified_at is not null and leads.mql_at is not null

    union all

    select
        leads.*,
        'neither' as lead_group,
        leads.signed_up_at as clock_started_at
    from leads
    where leads.qualified_at is null and leads.mql_at is null and not leads.is_converted_at_signup
),

windowed as (
    select
        grouped.*,
        {{ dbt.dateadd('day', window_days, 'grouped.clock_started_at') }} as window_ends_at
    from grouped
    where grouped.converted_at is null or grouped.converted_at >= grouped.clock_started_at
),

final as (
    select
        windowed.lead_id || '|' || windowed.lead_group as lead_outcome_id,
        windowed.lead_id,
        windowed.entity,
        windowed.entity_id,
        windowed.definition_id,
        windowed.lead_group,
        windowed.clock_started_at,
        {{ dbt.cast('windowed.clock_started_at', 'date') }} as clock_started_date,
        windowed.window_ends_at
        <= {{ dbt.dateadd('day', 1, 'data_as_of.data_as_of_date') }} as is_window_complete,
        coalesce(windowed.first_opportunity_at < windowed.clock_started_at, false)
            as had_opportunity_before,
        coalesce(
            windowed.first_opportunity_at >= windowed.clock_started_at
            and windowed.first_opportunity_at < windowed.window_ends_at,
            false
        ) as has_opportunity,
        coalesce(
            windowed.won_at >= windowed.clock_started_at and windowed.won_at < windowed.window_ends_at,
            false
        ) as is_won,
        coalesce(windowed.converted_at < windowed.window_ends_at, false) as is_converted,
        -- converted at any time from the clock start to the end of the data
        windowed.converted_at is not null as is_converted_in_period,
        cast(case
            when windowed.converted_at < windowed.window_ends_at
                then {{ dbt.datediff(
                    dbt.cast('windowed.clock_started_at', 'date'),
                    dbt.cast('windowed.converted_at', 'date'),
                    'day'
                ) }}
        end as {{ dbt.type_int() }}) as days_to_conversion
    from windowed
    cross join data_as_of
)

select * from final
