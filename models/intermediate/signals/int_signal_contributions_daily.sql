{#- Every clean event that a configured signal counts, reduced to the grain the threshold logic
    needs. An event is known from its available_date: the later of the day it happened and the
    day it was loaded (or stitched to its user), so an as-of evaluation never sees the future.
    Internal users' events never count. A configured name ending in * (report_*) matches every
    event name it prefixes. sum, max and avg read a numeric property: an event without a
    number there does not count for them. -#}
{#- Incremental per entity-day: every (user, day) and (account, day) that received a clean event
    since the watermark (a new or late event, old anonymous events stitched by a late identify)
    is recomputed whole from the clean stream; every other entity-day keeps its rows. A changed
    configuration (config_hash) rebuilds every row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id', 'occurred_date'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset() }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set star = "'*'" -%}
{%- set rebuild = pql_engine_rebuilds() %}
with

{% if rebuild %}
    events as (
        select * from {{ ref('int_events_resolved') }}
    ),
{% else %}
    touched_user_days as (
        select distinct
            user_id,
            occurred_date
        from {{ ref('int_events_resolved') }}
        where
            user_id is not null
            and resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    touched_account_days as (
        select distinct
            account_id,
            occurred_date
        from {{ ref('int_events_resolved') }}
        where
            account_id is not null
            and resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
    ),

    {#- Every event of a touched user-day or account-day: semi-joins, so the stream is not
        pre-aggregated whole. -#}
    events as (
        select *
        from {{ ref('int_events_resolved') }} as stream
        where
            {{ row_is_touched('touched_user_days', 'stream', ['user_id', 'occurred_date']) }}
            or {{ row_is_touched('touched_account_days', 'stream', ['account_id', 'occurred_date']) }}
    ),
{% endif %}

config_version as (
    {{ pql_engine_config_hash_query() }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

signals as (
    select
        *,
        case
            when {{ dbt.right('event_name', '1') }} = {{ star }}
                then substring(event_name, 1, {{ dbt.length('event_name') }} - 1)
        end as event_name_prefix
    from config
),

-- the event names each configured name stands for: itself, or for a wildcard every name in
-- the stream it prefixes, so the events join on equality
stream_names as (
    select distinct event_name from events
),

signal_names as (
    select
        signal_event_key,
        event_name as matched_name
    from signals
    where event_name_prefix is null

    union all

    select
        signals.signal_event_key,
        stream_names.event_name as matched_name
    from signals
    inner join stream_names
        on
            substring(stream_names.event_name, 1, {{ dbt.length('signals.event_name_prefix') }})
            = signals.event_name_prefix
    where signals.event_name_prefix is not null
),

matched as (
    select
        signals.definition_id,
        signals.signal_id,
        signals.aggregation,
        case when signals.entity = 'user' then events.user_id else events.account_id end as entity_id,
        events.occurred_date,
        greatest(
            events.occurred_date,
            {{ dbt.cast(dbt.date_trunc('day', 'events.resolved_received_at'), 'date') }}
        ) as available_date,
        case
            when signals.aggregation = 'distinct_users' then events.user_id
            when signals.aggregation = 'distinct_events' then events.event_name
            when signals.aggregation = 'distinct_property_values'
                then {{ json_extract_text_dynamic('events.properties_json', 'signals.property_key') }}
        end as distinct_key,
        case
            when signals.aggregation in ('sum', 'max', 'avg')
                then {{ dbt.safe_cast(
                    json_extract_text_dynamic('events.properties_json', 'signals.property_key'),
                    type_double(),
                ) }}
        end as property_number,
        events.resolved_received_at
    from events
    inner join signal_names
        on events.event_name = signal_names.matched_name
    inner join signals
        on signal_names.signal_event_key = signals.signal_event_key
    left join users
        on events.user_id = users.user_id
    where
        not coalesce(users.is_internal, false)
        and (
            signals.property_filter_key is null
            or {{ json_extract_text_dynamic('events.properties_json', 'signals.property_filter_key') }}
            = signals.property_filter_value
        )
        and (
            signals.page_path_prefix is null
            or substring(events.page_path, 1, length(signals.page_path_prefix)) = signals.page_path_prefix
        )
        and (
            signals.page_host is null
            or events.page_host = signals.page_host
        )
    {% if not rebuild %}
        -- only whole entity-days: an account-day is not touched by its user's touched day
        and (
            (
                signals.entity = 'user'
                and {{ row_is_touched('touched_user_days', 'events', ['user_id', 'occurred_date']) }}
            )
            or (
                signals.entity = 'account'
                and {{ row_is_touched('touched_account_days', 'events', ['account_id', 'occurred_date']) }}
            )
        )
    {% endif %}
),

aggregated as (
    select
        definition_id,
        signal_id,
        entity_id,
        occurred_date,
        available_date,
        distinct_key,
        count(*) as event_count,
        sum(property_number) as property_sum,
        max(property_number) as property_max,
        max(resolved_received_at) as last_resolved_received_at
    from matched
    where
        entity_id is not null
        and (
            aggregation not in ('distinct_users', 'distinct_property_values', 'distinct_events')
            or distinct_key is not null
        )
        and (aggregation not in ('sum', 'max', 'avg') or property_number is not null)
    group by
        definition_id,
        signal_id,
        entity_id,
        occurred_date,
        available_date,
        distinct_key
),

final as (
    select
        aggregated.*,
        config_version.config_hash
    from aggregated
    cross join config_version
)

select * from final
