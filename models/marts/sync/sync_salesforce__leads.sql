with

records as (
    select * from {{ ref('int_crm_sync_records_tracked') }}
    where crm_object = 'lead'
),

final as (
    select
        email,
        sync_action,
        delete_reason,
        coalesce(full_name, email) as lead_name,
        coalesce(company_name, '[not provided]') as company,
        status as pql_status,
        cast(score as {{ dbt.type_numeric() }}) as pql_score,
        tier as pql_tier,
        reasons as pql_reason,
        qualified_at as pql_qualified_at,
        definition_id as pql_definition,
        definition_version as pql_definition_version,
        cast(learned_probability as {{ dbt.type_numeric() }}) as pql_learned_probability,
        learned_band as pql_learned_band,
        learned_top_factors as pql_learned_factors,
        assigned_owner,
        owner_type,
        synced_fields_hash,
        last_changed_at
    from records
)

select * from final
