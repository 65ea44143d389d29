with

source as (
    select * from {{ source('crm', 'contacts') }}
),

renamed as (
    select
        {{ clean_text('id') }} as crm_contact_id,
        {{ clean_text('account_id') }} as crm_account_id,
        lower({{ clean_text('email') }}) as email,
        {{ email_domain('email') }} as email_domain,
        lower({{ clean_text('lead_source') }}) as lead_source,
        cast(mql_at as {{ dbt.type_timestamp() }}) as mql_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted
    from source
),

final as (
    select
        *,
        mql_at is not null as is_mql
    from renamed
)

select * from final
