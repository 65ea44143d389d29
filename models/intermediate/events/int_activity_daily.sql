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

batch as (
    {#- Each entity's events, in a full build all of them; in an incremental run those of the
        touched days: a semi-join per entity on the stream itself (with an inner join DuckDB
        pre-aggregates the whole stream first; a stream CTE read twice would be materialized
        whole). -#}
    {%- for entity in ['user', 'account'] %}
        select
            '{{ entity }}' as entity,
            events.{{ entity }}_id as entity_id,
            events.occurred_date,
            events.occurred_at,
            events.event_name,
            events.user_id,
            events.anonymous_id,
            {{ "events.account_source = 'single_account'" if entity == 'account' else 'false' }}
                as is_linked,
            events.resolved_received_at
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
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

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
