{#- Every clean event that a configured signal counts, reduced to the grain the threshold logic
    needs. An event is known from its available_date: the later of the day it happened and the
    day it was loaded (or stitched to its user), so an as-of evaluation never sees the future.
    Internal users' events never count. -#}
with

events as (
    select * from {{ ref('int_events_resolved') }}
),

signals as (
    select * from {{ ref('int_pql_config_validated') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
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
            when signals.aggregation = 'distinct_property_values'
                then {{ json_extract_text_dynamic('events.properties_json', 'signals.property_key') }}
        end as distinct_key
    from events
    inner join signals
        on events.event_name = signals.event_name
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
),

final as (
    select
        definition_id,
        signal_id,
        entity_id,
        occurred_date,
        available_date,
        distinct_key,
        count(*) as event_count
    from matched
    where
        entity_id is not null
        and (aggregation not in ('distinct_users', 'distinct_property_values') or distinct_key is not null)
    group by
        definition_id,
        signal_id,
        entity_id,
        occurred_date,
        available_date,
        distinct_key
)

select * from final
