with

records as (
    select * from {{ ref('int_crm_sync_records_tracked') }}
    where entity = 'account'
),

final as (
    select
        sync_key,
        sync_action,
        delete_reason,
        crm_record_id as hubspot_company_id,
        account_domain as company_domain,
        company_name,
        status as pqa_status,
        cast(score as {{ dbt.type_numeric() }}) as pqa_score,
        tier as pqa_tier,
        reasons as pqa_reason,
        qualified_at as pqa_qualified_at,
        definition_id as pqa_definition,
        definition_version as pqa_definition_version,
        cast(learned_probability as {{ dbt.type_numeric() }}) as pqa_learned_probability,
        learned_band as pqa_learned_band,
        learned_top_factors as pqa_learned_factors,
        assigned_owner as hubspot_owner,
        owner_type as hubspot_owner_type,
        synced_fields_hash,
        last_changed_at
    from records
)

select * from final
