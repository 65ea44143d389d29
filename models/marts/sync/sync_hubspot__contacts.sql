with

records as (
    select * from {{ ref('int_crm_sync_records_tracked') }}
    where entity = 'user'
),

final_ranked as (
    select
        email,
        sync_action,
        delete_reason,
        crm_record_id as hubspot_contact_id,
        full_name,
        company_name as company,
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
        assigned_owner as hubspot_owner,
        owner_type as hubspot_owner_type,
        synced_fields_hash,
        last_changed_at,
        row_number() over (
            partition by email
            order by
                case when sync_action = 'upsert' then 0 else 1 end asc, last_changed_at desc, sync_key asc
        ) as row_rank
    from records
    {# HubSpot keys contacts by email: when one email has several records (a lead that became a
        contact, a contact merged into another), the upsert wins, else the latest delete. -#}
),

final as (
    select
        email,
        sync_action,
        delete_reason,
        hubspot_contact_id,
        full_name,
        company,
        pql_status,
        pql_score,
        pql_tier,
        pql_reason,
        pql_qualified_at,
        pql_definition,
        pql_definition_version,
        pql_learned_probability,
        pql_learned_band,
        pql_learned_factors,
        hubspot_owner,
        hubspot_owner_type,
        synced_fields_hash,
        last_changed_at
    from final_ranked
    where row_rank = 1
)

select * from final
