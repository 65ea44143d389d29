with

source as (
    select * from {{ source('cdp', 'identifies') }}
),

renamed as (
    select
        {{ clean_text('id') }} as message_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        {{ adapter.quote('timestamp') }} as timestamp_as_sent,
        {{ parse_utc_timestamp(adapter.quote('timestamp')) }} as occurred_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        lower({{ clean_text('email') }}) as email,
        {{ email_domain('email') }} as email_domain,
        {{ clean_text(json_extract_text('traits', 'name')) }} as user_name,
        {{ clean_text(json_extract_text('traits', 'title')) }} as job_title,
        {{ parse_utc_timestamp(json_extract_text('traits', 'created_at')) }} as signed_up_at,
        lower({{ clean_text(json_extract_text('traits', 'signup_source')) }}) as signup_source,
        lower({{ clean_text(json_extract_text('traits', 'persona')) }}) as persona,
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
