-- depends_on: {{ ref('stg_cdp__identifies') }}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['entity', 'entity_id'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{#- Activation milestones per user and per account, from the clean stream and the
    activation_milestones seed. A user's events are those resolved to the user (anonymous events
    stitched to them included; internal users kept, int_users_profiled flags them). An account's
    are the events on the account, less those of internal users (your own staff working in a
    customer's workspace never reach a customer's milestone); its anonymous events count.

    Point in time: an event is known on its available date, the later of the day it occurred and
    the day its row reached its current form (resolved_received_at: its load, or the stitch or
    link that attributed it). known_date is the earliest available date of the entity's matching
    events, so "had it reached the milestone as of d" is `known_date <= d`. reached_at (and the
    first user) come from the earliest event among all events loaded so far: an earlier event
    that arrives late can move it back, never forward.

    Incremental: an entity's milestones depend only on its own matching events, so every entity
    with a matching event (re)resolved since the watermark is recomputed whole from the stream;
    so is every account where a user whose identify (email, hence is_internal) arrived since
    then sent a matching event. -#}
{%- set since = incremental_since('last_resolved_received_at') -%}

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

internal_users as (
    select user_id from users
    where is_internal
),

milestone_events as (
    select
        events.event_id,
        events.user_id,
        events.account_id,
        milestones.milestone_id,
        events.occurred_at,
        greatest(
            events.occurred_date,
            {{ dbt.cast('events.resolved_received_at', 'date') }}
        ) as available_date,
        events.resolved_received_at
    from events
    inner join milestones
        on events.event_name = milestones.event_name
),

entity_events as (
    select
        'user' as entity,
        user_id as entity_id,
        milestone_id,
        event_id,
        user_id,
        occurred_at,
        available_date,
        resolved_received_at
    from milestone_events
    where user_id is not null

    union all

    select
        'account' as entity,
        milestone_events.account_id as entity_id,
        milestone_events.milestone_id,
        milestone_events.event_id,
        milestone_events.user_id,
        milestone_events.occurred_at,
        milestone_events.available_date,
        milestone_events.resolved_received_at
    from milestone_events
    left join internal_users
        on milestone_events.user_id = internal_users.user_id
    where
        milestone_events.account_id is not null
        and internal_users.user_id is null
),

{% if is_incremental() %}
    reidentified_users as (
        select distinct user_id
        from {{ ref('stg_cdp__identifies') }}
        where
            user_id is not null
            and email is not null
            and received_at > {{ since }}
    ),

    touched_entities as (
        select
            entity,
            entity_id
        from entity_events
        where resolved_received_at > {{ since }}

        union

        select
            'account' as entity,
            milestone_events.account_id as entity_id
        from milestone_events
        inner join reidentified_users
            on milestone_events.user_id = reidentified_users.user_id
        where milestone_events.account_id is not null
    ),

    batch as (
        select *
        from entity_events
        where {{ row_is_touched('touched_entities', 'entity_events', ['entity', 'entity_id']) }}
    ),
{% else %}
    batch as (
        select * from entity_events
    ),
{% endif %}

ranked as (
    select
        entity,
        entity_id,
        milestone_id,
        user_id,
        occurred_at,
        min(available_date) over (
            partition by entity, entity_id, milestone_id
        ) as known_date,
        max(resolved_received_at) over (
            partition by entity, entity_id, milestone_id
        ) as last_resolved_received_at,
        row_number() over (
            partition by entity, entity_id, milestone_id
            order by occurred_at, event_id
        ) as occurrence_number
    from batch
),

final as (
    select
        entity,
        entity_id,
        milestone_id,
        occurred_at as reached_at,
        {{ dbt.cast(dbt.date_trunc('day', 'occurred_at'), 'date') }} as reached_date,
        user_id as first_user_id,
        known_date,
        last_resolved_received_at
    from ranked
    where occurrence_number = 1
)

select * from final
