{%- set raw = raw_table('cdp', 'tracks') -%}
{#- Segment's `event` is a slug and `event_text` the name as sent; RudderStack writes the name
    to both. Read event_text when the loader writes it, else event. -#}
{%- set event_as_sent = raw_column(raw, 'event_text', 'text', fallbacks=['event']) -%}
{%- set properties = raw_column(raw, 'properties', 'json', required=false) -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as message_id,
        {{ identity_value(raw_column(raw, 'anonymous_id', 'text')) }} as anonymous_id,
        {{ identity_value(raw_column(raw, 'user_id', 'text')) }} as user_id,
        {{ event_as_sent }} as event_name_as_sent,
        {{ track_event_name(event_as_sent) }} as event_name,
        {{ raw_column(raw, 'timestamp', 'text') }} as timestamp_as_sent,
        {{ raw_column(raw, 'timestamp', 'timestamp') }} as occurred_at,
        {{ raw_column(raw, 'received_at', 'timestamp') }} as received_at,
        {{ identity_value(raw_column(raw, 'context_group_id', 'text', required=false)) }} as context_group_id,
        {{ properties }} as properties_json,
        {{ is_malformed_json(properties) }} as is_properties_malformed
    from source
),

final as (
    select
        *,
        occurred_at is null as is_timestamp_unparseable,
        coalesce(user_id, anonymous_id) is null as is_missing_identity
    from renamed
)

select * from final
