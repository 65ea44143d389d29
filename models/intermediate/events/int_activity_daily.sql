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
{%- set since = incremental_since('last_resolved_received_at') -%}

with

{% if is_incremental() %}
    new_events as (
        select
            user_id,
            account_id,
            occurred_date
        from {{ ref('int_events_resolved') }}
        where resolved_received_at > {{ since }}
    ),

    touched_days as (
        select distinct
            'user' as entity,
            user_id as entity_id,
            occurred_date
        from new_events
        where user_id is not null

        union all

        select distinct
            'account' as entity,
            account_id as entity_id,
            occurred_date
        from new_events
        where account_id is not null
    ),
{% endif %}

final as (
    {#- Per entity, its events (in an incremental run those of the touched days: a semi-join on
        the stream itself; with an inner join DuckDB pre-aggregates the whole stream first, and
        a stream CTE read twice would be materialized whole), aggregated per entity: a user's
        day has one active user, so only accounts pay for the distinct counts. -#}
    {%- for entity in ['user', 'account'] %}
        select
            '{{ entity }}' as entity,
            events.{{ entity }}_id as entity_id,
            events.occurred_date as activity_date,
            events.event_name,
            count(*) as event_count,
            {% if entity == 'account' -%}
                sum(case when events.account_source = 'single_account' then 1 else 0 end)
                    as linked_event_count,
                count(distinct events.user_id) as active_user_count,
                count(distinct coalesce(events.user_id, events.anonymous_id)) as active_visitor_count,
            {%- else -%}
                sum(0) as linked_event_count,
                cast(1 as {{ dbt.type_bigint() }}) as active_user_count,
                cast(1 as {{ dbt.type_bigint() }}) as active_visitor_count,
            {%- endif %}
            min(events.occurred_at) as first_event_at,
            max(events.occurred_at) as last_event_at,
            max(events.resolved_received_at) as last_resolved_received_at
        from {{ ref('int_events_resolved') }} as events
        where
            events.{{ entity }}_id is not null
        {% if is_incremental() %}
            and exists (
                select 1
                from touched_days
                where
                    touched_days.entity = '{{ entity }}'
                    and touched_days.entity_id = events.{{ entity }}_id
                    and touched_days.occurred_date = events.occurred_date
            )
        {% endif %}
        group by
            events.{{ entity }}_id,
            events.occurred_date,
            events.event_name
        {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from final
