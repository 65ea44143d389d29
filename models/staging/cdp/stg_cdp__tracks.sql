with

source as (
    select * from {{ source('cdp', 'tracks') }}
),

renamed as (
    select
        {{ clean_text('id') }} as message_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('user_id') }} as user_id,
        event as event_name_as_sent,
        {{ normalize_event_name('event') }} as event_name,
        {{ adapter.quote('timestamp') }} as timestamp_as_sent,
        {{ parse_utc_timestamp(adapter.quote('timestamp')) }} as occurred_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        {{ clean_text('context_group_id') }} as context_group_id,
        properties as properties_json,
        {{ is_malformed_json('properties') }} as is_properties_malformed
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
