with

records as (
    select * from {{ ref('int_crm_sync_records_tracked') }}
    where crm_object = 'account'
),

final as (
    select
        sync_key,
        crm_record_id as account_id,
        sync_action,
        delete_reason,
        case
            when sync_action = 'delete' then {{ dbt.cast('null', dbt.type_string()) }}
            when crm_record_id is null then 'create'
            else 'update'
        end as record_action,
        company_name as account_name,
        account_domain as website,
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
        assigned_owner,
        owner_type,
        synced_fields_hash,
        last_changed_at
    from records
)

select * from final
