{%- set raw = raw_table('cdp', 'identifies') -%}
{%- set traits = raw_column(raw, 'traits', 'json', required=false) -%}

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
        {{ normalize_email(raw_column(raw, 'email', 'text', required=false)) }} as email,
        {{ email_domain(normalize_email(raw_column(raw, 'email', 'text', required=false))) }} as email_domain,
        {{ clean_text(json_extract_text(traits, 'name')) }} as user_name,
        {{ clean_text(json_extract_text(traits, 'title')) }} as job_title,
        {{ parse_utc_timestamp(json_extract_text(traits, 'created_at')) }} as signed_up_at,
        lower({{ clean_text(json_extract_text(traits, 'signup_source')) }}) as signup_source,
        lower({{ clean_text(json_extract_text(traits, 'persona')) }}) as persona,
        {{ traits }} as traits_json,
        {{ is_malformed_json(traits) }} as is_traits_malformed
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
