{#- The point-in-time population the suggested definition is chosen on, the way a definition is
    used: as of the last day of every week, each entity eligible for new business then (known by
    that date, not yet converted; users non-internal), whose following var
    pql_backtest_window_days days are complete in the data, and whether it converted in them.
    Eligibility and outcome are dated as in fct_backtest_panel (an entity enters when it was
    first loaded; a user's conversion through an account counts from when the membership was
    known), so the evidence is measured on the rows the backtest later scores. -#}
{%- set window_days = var('pql_backtest_window_days') | int -%}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
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

known_entities as (
    select
        'user' as entity,
        user_id as entity_id,
        {{ dbt.cast('greatest(signed_up_at, first_received_at)', 'date') }} as known_from
    from users
    where not is_internal

    union all

    select
        'account' as entity,
        account_id as entity_id,
        {{ dbt.cast('greatest(first_observed_at, first_received_at)', 'date') }} as known_from
    from accounts
),

entity_conversions as (
    select
        'account' as entity,
        account_id as entity_id,
        converted_date
    from conversions

    union all

    select
        'user' as entity,
        links.user_id as entity_id,
        min(greatest(
            conversions.converted_date,
            {{ dbt.cast('links.first_linked_received_at', 'date') }}
        )) as converted_date
    from links
    inner join conversions
        on links.account_id = conversions.account_id
    group by links.user_id
),

panel as (
    select
        known_entities.entity,
        known_entities.entity_id,
        as_of_dates.as_of_date,
        entity_conversions.converted_date
    from known_entities
    inner join as_of_dates
        on known_entities.known_from <= as_of_dates.as_of_date
    cross join data_as_of
    left join entity_conversions
        on
            known_entities.entity = entity_conversions.entity
            and known_entities.entity_id = entity_conversions.entity_id
    where
        (
            entity_conversions.converted_date is null
            or entity_conversions.converted_date > as_of_dates.as_of_date
        )
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
