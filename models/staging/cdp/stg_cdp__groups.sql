{%- set raw = raw_table('cdp', 'groups') -%}
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
        {{ identity_value(raw_column(raw, 'group_id', 'text')) }} as account_id,
        {{ raw_column(raw, 'timestamp', 'text') }} as timestamp_as_sent,
        {{ raw_column(raw, 'timestamp', 'timestamp') }} as occurred_at,
        {{ raw_column(raw, 'received_at', 'timestamp') }} as received_at,
        {{ clean_text(json_extract_text(traits, 'name')) }} as account_name,
        {{ normalize_domain(json_extract_text(traits, 'domain')) }} as account_domain,
        lower({{ clean_text(json_extract_text(traits, 'plan')) }}) as plan,
        {{ dbt.safe_cast(json_extract_text(traits, 'employees'), dbt.type_int()) }} as employee_count,
        {{ clean_text(json_extract_text(traits, 'industry')) }} as industry,
        {{ clean_text(json_extract_text(traits, 'country')) }} as country,
        {{ identity_value(json_extract_text(traits, 'crm_account_id')) }} as crm_account_id,
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
