{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['user_id', 'activity_date'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{#- Incremental: every (user, day) that received an event since the watermark (a late event, a
    late identify that stitched old anonymous events) is recomputed whole from the clean stream. -#}
with

{% if is_incremental() %}
    touched_days as (
        select distinct
            user_id,
            occurred_date
        from {{ ref('int_events_resolved') }}
        where
            user_id is not null
            and resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    batch as (
        {#- A semi-join: with an inner join DuckDB pre-aggregates the whole stream first. -#}
        select *
        from {{ ref('int_events_resolved') }} as events
        where exists (
            select 1
            from touched_days
            where
                touched_days.user_id = events.user_id
                and touched_days.occurred_date = events.occurred_date
        )
    ),
{% else %}
    batch as (
        select * from {{ ref('int_events_resolved') }}
        where user_id is not null
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
