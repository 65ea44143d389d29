{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['user_id', 'activity_date'],
        on_schema_change='fail',
    )
}}
{#- Incremental: every (user, day) that received an event since the watermark (a late event, a
    late identify that stitched old anonymous events) is recomputed whole from the clean stream. -#}
with

events as (
    select * from {{ ref('int_events_deduplicated') }}
    where user_id is not null
),

{% if is_incremental() %}
    touched_days as (
        select distinct
            user_id,
            occurred_date
        from events
        where resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    batch as (
        select events.*
        from events
        inner join touched_days
            on events.user_id = touched_days.user_id and events.occurred_date = touched_days.occurred_date
    ),
{% else %}
    batch as (
        select * from events
    ),
{% endif %}

final as (
    select
        user_id,
        occurred_date as activity_date,
        event_name,
        count(*) as event_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(resolved_received_at) as last_resolved_received_at
    from batch
    group by
        user_id,
        occurred_date,
        event_name
)

select * from final
