with

source as (
    select * from {{ source('crm', 'accounts') }}
),

renamed as (
    select
        {{ clean_text('id') }} as crm_account_id,
        {{ clean_text('name') }} as account_name,
        domain as domain_as_entered,
        {{ normalize_domain('domain') }} as account_domain,
        lower({{ clean_text('owner_email') }}) as owner_email,
        {{ clean_text('industry') }} as industry,
        cast(employees as {{ dbt.type_int() }}) as employee_count,
        {{ clean_text('billing_country') }} as billing_country,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted
    from source
),

final as (
    select * from renamed
)

select * from final
