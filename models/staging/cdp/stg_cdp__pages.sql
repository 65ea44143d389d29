with

source as (
    select * from {{ source('cdp', 'pages') }}
),

renamed as (
    select
        {{ clean_text('id') }} as message_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        {{ adapter.quote('timestamp') }} as timestamp_as_sent,
        {{ parse_utc_timestamp(adapter.quote('timestamp')) }} as occurred_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        {{ clean_text('context_group_id') }} as context_group_id,
        {{ clean_text('path') }} as page_path,
        {{ clean_text('url') }} as page_url,
        {{ clean_text('title') }} as page_title,
        {{ clean_text('referrer') }} as referrer
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
