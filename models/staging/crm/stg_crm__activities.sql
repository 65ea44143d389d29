with

source as (
    select * from {{ source('crm', 'activities') }}
),

renamed as (
    select
        {{ clean_text('id') }} as crm_activity_id,
        {{ clean_text('contact_id') }} as crm_contact_id,
        {{ clean_text('account_id') }} as crm_account_id,
        lower({{ clean_text('type') }}) as activity_type,
        lower({{ clean_text('owner_email') }}) as owner_email,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at
    from source
),

final as (
    select * from renamed
)

select * from final
