{#- The point-in-time population the suggested definition is chosen on, the way a definition is
    used: as of the last day of every week, each entity eligible for new business then (known by
    that date, not yet converted; users non-internal), whose following var
    pql_backtest_window_days days are complete in the data, and whether it converted in them.
    Eligibility and outcome are dated as in fct_backtest_panel, from the same model
    (int_entities_new_business_dated), so the evidence is measured on the rows the backtest
    later scores. -#}
{%- set window_days = var('pql_backtest_window_days') | int -%}
with

entities as (
    select * from {{ ref('int_entities_new_business_dated') }}
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

as_of_dates as (
    select distinct
        {{ dbt.cast(dbt.dateadd('day', 6, dbt.date_trunc('week', 'events.occurred_date')), 'date') }}
            as as_of_date
    from events
),

panel as (
    select
        entities.entity,
        entities.entity_id,
        as_of_dates.as_of_date,
        entities.converted_date
    from entities
    inner join as_of_dates
        on entities.known_from <= as_of_dates.as_of_date
    cross join data_as_of
    where
        (entities.converted_date is null or entities.converted_date > as_of_dates.as_of_date)
        and {{ dbt.dateadd('day', window_days, 'as_of_dates.as_of_date') }} <= data_as_of.data_as_of_date
),

final as (
    select
        entity || '|' || entity_id || '|' || {{ dbt.cast('as_of_date', dbt.type_string()) }}
            as suggestion_panel_id,
        entity,
        entity_id,
        as_of_date,
        coalesce(
            converted_date <= {{ dbt.dateadd('day', window_days, 'as_of_date') }}, false
        ) as is_converted
    from panel
)

select * from final
