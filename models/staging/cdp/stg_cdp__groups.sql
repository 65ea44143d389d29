with

source as (
    select * from {{ source('cdp', 'groups') }}
),

renamed as (
    select
        {{ clean_text('id') }} as message_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('group_id') }} as account_id,
        {{ adapter.quote('timestamp') }} as timestamp_as_sent,
        {{ parse_utc_timestamp(adapter.quote('timestamp')) }} as occurred_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        {{ clean_text(json_extract_text('traits', 'name')) }} as account_name,
        {{ normalize_domain(json_extract_text('traits', 'domain')) }} as account_domain,
        lower({{ clean_text(json_extract_text('traits', 'plan')) }}) as plan,
        {{ dbt.safe_cast(json_extract_text('traits', 'employees'), dbt.type_int()) }} as employee_count,
        {{ clean_text(json_extract_text('traits', 'industry')) }} as industry,
        {{ clean_text(json_extract_text('traits', 'country')) }} as country,
        {{ clean_text(json_extract_text('traits', 'crm_account_id')) }} as crm_account_id,
        traits as traits_json,
        {{ is_malformed_json('traits') }} as is_traits_malformed
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
