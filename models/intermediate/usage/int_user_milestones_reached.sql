{#- Activation milestones per user, from the clean stream (the user the event resolved to,
    anonymous events stitched to the user included) and the activation_milestones seed.

    Point in time: an event is known on its available date, the later of the day it occurred and
    the day its row reached its current form (resolved_received_at: its load, or the stitch that
    attributed it to the user). known_date is the earliest available date of the user's matching
    events, so "had the user reached the milestone as of d" is `known_date <= d`. reached_at is
    the earliest event time among all events loaded so far: an earlier event that arrives late
    can move it back, never forward. -#}
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

milestone_events as (
    select
        events.user_id,
        milestones.milestone_id,
        events.occurred_at,
        greatest(
            events.occurred_date,
            {{ dbt.cast('events.resolved_received_at', 'date') }}
        ) as available_date
    from events
    inner join milestones
        on events.event_name = milestones.event_name
    where events.user_id is not null
),

reached as (
    select
        user_id,
        milestone_id,
        min(occurred_at) as reached_at,
        min(available_date) as known_date
    from milestone_events
    group by
        user_id,
        milestone_id
),

final as (
    select
        reached.user_id,
        reached.milestone_id,
        reached.reached_at,
        {{ dbt.cast(dbt.date_trunc('day', 'reached.reached_at'), 'date') }} as reached_date,
        reached.known_date,
        users.signed_up_at,
        {{ dbt.datediff('users.signed_up_at', 'reached.reached_at', 'hour') }}
            as hours_from_signup
    from reached
    left join users
        on reached.user_id = users.user_id
)

select * from final
