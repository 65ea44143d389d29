{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['account_id', 'activity_date'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{#- The stream's events on each account: with context, or attributed through the user's only
    account link (account_source single_account).
    Incremental: every (account, day) that received an event since the watermark is recomputed
    whole from the clean stream, so distinct user counts stay exact. -#}
with

{% if is_incremental() %}
    touched_days as (
        select distinct
            account_id,
            occurred_date
        from {{ ref('int_events_resolved') }}
        where
            account_id is not null
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
                touched_days.account_id = events.account_id
                and touched_days.occurred_date = events.occurred_date
        )
    ),
{% else %}
    batch as (
        select * from {{ ref('int_events_resolved') }}
        where account_id is not null
    ),
{% endif %}

final as (
    select
        account_id,
        occurred_date as activity_date,
        event_name,
        count(*) as event_count,
        sum(case when account_source = 'single_account' then 1 else 0 end) as linked_event_count,
        count(distinct user_id) as active_user_count,
        count(distinct coalesce(user_id, anonymous_id)) as active_visitor_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        max(resolved_received_at) as last_resolved_received_at
    from batch
    group by
        account_id,
        occurred_date,
        event_name
)

select * from final
