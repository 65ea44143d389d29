{#- The population every lift report measures, per entity (user, account): entities still
    unconverted var pql_lift_observation_days days after signup (the observation end), whose
    following var pql_conversion_window_days days are complete in the data; converted when the
    new-business conversion falls in that window.

    Who converts at user grain (var pql_lift_user_conversion): the billing data names no buyer,
    so either every member of the converting account ('every_member') or only the members
    active in that account in the var pql_lift_observation_days days before the conversion
    ('active_before_conversion', the default: the people a per-user definition can reach). -#}
{%- set observation_days = var('pql_lift_observation_days') | int -%}
{%- set window_days = var('pql_conversion_window_days') | int -%}
{%- set user_conversion = var('pql_lift_user_conversion') -%}
with

users as (
    select * from {{ ref('dim_users') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
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

member_conversions as (
    select
        links.user_id,
        links.account_id,
        conversions.converted_at
    from links
    inner join conversions
        on links.account_id = conversions.account_id
),

{% if user_conversion == 'active_before_conversion' %}
    active_members as (
        select distinct
            member_conversions.user_id,
            member_conversions.account_id
        from member_conversions
        inner join events
            on
                member_conversions.user_id = events.user_id
                and member_conversions.account_id = events.account_id
        where
            events.occurred_at < member_conversions.converted_at
            and events.occurred_at
            >= {{ dbt.dateadd('day', -observation_days, 'member_conversions.converted_at') }}
    ),

{% endif %}
user_conversions as (
    select
        member_conversions.user_id,
        min(member_conversions.converted_at) as converted_at
    from member_conversions
    {% if user_conversion == 'active_before_conversion' %}
        inner join active_members
            on
                member_conversions.user_id = active_members.user_id
                and member_conversions.account_id = active_members.account_id
    {% endif %}
    group by member_conversions.user_id
),

-- a member who does not count as converting
-- is still unmeasurable after the account's conversion (a paying customer's behaviour)
user_account_conversions as (
    select
        user_id,
        min(converted_at) as account_converted_at
    from member_conversions
    group by user_id
),

candidates as (
    select
        'user' as entity,
        users.user_id as entity_id,
        {{ dbt.cast('users.signed_up_at', 'date') }} as signup_date,
        {{ dbt.cast('user_conversions.converted_at', 'date') }} as converted_date,
        {{ dbt.cast('user_account_conversions.account_converted_at', 'date') }}
            as account_converted_date
    from users
    left join user_conversions
        on users.user_id = user_conversions.user_id
    left join user_account_conversions
        on users.user_id = user_account_conversions.user_id
    where not users.is_internal and users.signed_up_at is not null

    union all

    select
        'account' as entity,
        accounts.account_id as entity_id,
        {{ dbt.cast('accounts.first_seen_at', 'date') }} as signup_date,
        {{ dbt.cast('conversions.converted_at', 'date') }} as converted_date,
        {{ dbt.cast('conversions.converted_at', 'date') }} as account_converted_date
    from accounts
    left join conversions
        on accounts.account_id = conversions.account_id
    where accounts.first_seen_at is not null
),

observed as (
    select
        candidates.*,
        {{ dbt.cast(dbt.dateadd('day', observation_days, 'candidates.signup_date'), 'date') }}
            as observation_end_date
    from candidates
),

final as (
    select
        observed.entity || '|' || observed.entity_id as lift_population_id,
        observed.entity,
        observed.entity_id,
        observed.signup_date,
        observed.observation_end_date,
        coalesce(
            observed.converted_date
            < {{ dbt.dateadd('day', window_days, 'observed.observation_end_date') }},
            false
        ) as is_converted
    from observed
    cross join data_as_of
    where
        (
            observed.account_converted_date is null
            or observed.account_converted_date >= observed.observation_end_date
        )
        and {{ dbt.dateadd('day', window_days - 1, 'observed.observation_end_date') }}
        <= data_as_of.data_as_of_date
)

select * from final
