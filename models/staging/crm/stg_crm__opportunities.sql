with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

renamed as (
    select
        {{ clean_text('id') }} as crm_opportunity_id,
        {{ clean_text('account_id') }} as crm_account_id,
        lower({{ clean_text('type') }}) as opportunity_type,
        lower({{ clean_text('lead_source') }}) as lead_source,
        {{ clean_text('stage') }} as stage_name,
        coalesce(cast(is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted
    from source
),

final as (
    select * from renamed
)

select * from final
