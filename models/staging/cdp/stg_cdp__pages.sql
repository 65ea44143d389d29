{%- set raw = raw_table('cdp', 'pages') -%}
{#- Segment and RudderStack write the page fields twice: as columns and in the page context. -#}
{%- set path = raw_column(raw, 'path', 'text', required=false, fallbacks=['context_page_path']) -%}
{%- set url = raw_column(raw, 'url', 'text', required=false, fallbacks=['context_page_url']) -%}
{%- set title = raw_column(raw, 'title', 'text', required=false, fallbacks=['context_page_title']) -%}
{%- set referrer = raw_column(
    raw, 'referrer', 'text', required=false, fallbacks=['context_page_referrer']
) -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as message_id,
        {{ identity_value(raw_column(raw, 'anonymous_id', 'text')) }} as anonymous_id,
        {{ identity_value(raw_column(raw, 'user_id', 'text')) }} as user_id,
        {{ raw_column(raw, 'timestamp', 'text') }} as timestamp_as_sent,
        {{ raw_column(raw, 'timestamp', 'timestamp') }} as occurred_at,
        {{ raw_column(raw, 'received_at', 'timestamp') }} as received_at,
        {{ identity_value(raw_column(raw, 'context_group_id', 'text', required=false)) }} as context_group_id,
        {{ clean_text(path) }} as page_path,
        {{ clean_text(url) }} as page_url,
        {{ clean_text(title) }} as page_title,
        {{ clean_text(referrer) }} as referrer
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
