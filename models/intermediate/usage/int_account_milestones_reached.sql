{#- Activation milestones per account, from the events that carried the account as context
    (context_group_id) and the activation_milestones seed. Events of internal users (your own
    staff working in a customer's workspace) are left out, so they never reach a customer's
    milestone; anonymous events in the account count.

    Point in time, as for users: known_date is the earliest available date (the later of the
    occurred date and the date of resolved_received_at) of the account's matching events, so
    "had the account reached the milestone as of d" is `known_date <= d`; reached_at and the
    first user come from every event loaded so far. -#}
with

events as (
    select * from {{ ref('int_events_resolved') }}
),

milestones as (
    select * from {{ ref('activation_milestones') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

internal_users as (
    select user_id from users
    where is_internal
),

milestone_events as (
    select
        events.account_id,
        milestones.milestone_id,
        events.event_id,
        events.user_id,
        events.occurred_at,
        greatest(
            events.occurred_date,
            {{ dbt.cast('events.resolved_received_at', 'date') }}
        ) as available_date
    from events
    inner join milestones
        on events.event_name = milestones.event_name
    left join internal_users
        on events.user_id = internal_users.user_id
    where
        events.account_id is not null
        and internal_users.user_id is null
),

ranked as (
    select
        account_id,
        milestone_id,
        user_id,
        occurred_at,
        min(available_date) over (
            partition by account_id, milestone_id
        ) as known_date,
        row_number() over (
            partition by account_id, milestone_id
            order by occurred_at, event_id
        ) as occurrence_number
    from milestone_events
),

final as (
    select
        ranked.account_id,
        ranked.milestone_id,
        ranked.occurred_at as reached_at,
        {{ dbt.cast(dbt.date_trunc('day', 'ranked.occurred_at'), 'date') }} as reached_date,
        ranked.user_id as first_user_id,
        ranked.known_date,
        accounts.first_observed_at,
        {{ dbt.datediff('accounts.first_observed_at', 'ranked.occurred_at', 'hour') }}
            as hours_from_first_observed
    from ranked
    left join accounts
        on ranked.account_id = accounts.account_id
    where ranked.occurrence_number = 1
)

select * from final
