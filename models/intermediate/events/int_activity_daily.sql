{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['entity', 'entity_id', 'activity_date'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{#- The clean stream's events per entity and day: a user's are those resolved to the user
    (anonymous events stitched to them included); an account's are those on the account, with
    context or attributed through the user's only account link (account_source single_account).
    Incremental: every (entity, day) that received an event since the watermark (a late event, a
    late identify that stitched old anonymous events, a late link that attributed old events) is
    recomputed whole from the clean stream, so distinct user counts stay exact. -#}
with

events as (
    select * from {{ ref('int_events_resolved') }}
),

entity_events as (
    select
        'user' as entity,
        user_id as entity_id,
        occurred_date,
        occurred_at,
        event_name,
        user_id,
        anonymous_id,
        false as is_linked,
        resolved_received_at
    from events
    where user_id is not null

    union all

    select
        'account' as entity,
        account_id as entity_id,
        occurred_date,
        occurred_at,
        event_name,
        user_id,
        anonymous_id,
        account_source = 'single_account' as is_linked,
        resolved_received_at
    from events
    where account_id is not null
),

{% if is_incremental() %}
    touched_days as (
        select distinct
            entity,
            entity_id,
            occurred_date
        from entity_events
        where resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    batch as (
        {#- A semi-join: with an inner join DuckDB pre-aggregates the whole stream first. -#}
        select *
        from entity_events
        where exists (
            select 1
            from touched_days
            where
                touched_days.entity = entity_events.entity
                and touched_days.entity_id = entity_events.entity_id
                and touched_days.occurred_date = entity_events.occurred_date
        )
    ),
{% else %}
    batch as (
        select * from entity_events
    ),
{% endif %}

final as (
    select
        entity,
        entity_id,
        occurred_date as activity_date,
        event_name,
        count(*) as event_count,
        sum(case when is_linked then 1 else 0 end) as linked_event_count,
        count(distinct user_id) as active_user_count,
        count(distinct coalesce(user_id, anonymous_id)) as active_visitor_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(resolved_received_at) as last_resolved_received_at
    from batch
    group by
        entity,
        entity_id,
        occurred_date,
        event_name
)

select * from final
