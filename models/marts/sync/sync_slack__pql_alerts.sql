{#- Changes since the last run: only records whose synced fields changed in this dbt run and
    that pql still writes (a delete is never announced). -#}
with

records as (
    select * from {{ ref('int_crm_sync_records_tracked') }}
),

tiers as (
    select
        tier,
        cast(min_score as {{ dbt.type_numeric() }}) as min_score
    from {{ ref('pql_tiers') }}
),

changed_this_run as (
    select * from records
    where
        sync_action = 'upsert'
        and last_changed_at
        = {{ dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) }}
),

classified as (
    select
        changed_this_run.*,
        case
            when
                changed_this_run.status = 'qualified'
                and coalesce(changed_this_run.previous_status, '') != 'qualified'
                then case when changed_this_run.entity = 'user' then 'new_pql' else 'new_pqa' end
            when
                changed_this_run.previous_status = 'qualified'
                and changed_this_run.status = 'converted'
                then 'converted'
            when
                changed_this_run.previous_status = 'qualified'
                and changed_this_run.status != 'qualified'
                then 'demoted'
            when
                changed_this_run.status = 'qualified'
                and current_tier.min_score > previous_tier.min_score
                then 'promoted'
            when
                changed_this_run.status = 'qualified'
                and current_tier.min_score < previous_tier.min_score
                then 'demoted'
        end as alert_type
    from changed_this_run
    left join tiers as current_tier
        on changed_this_run.tier = current_tier.tier
    left join tiers as previous_tier
        on changed_this_run.previous_tier = previous_tier.tier
),

final as (
    select
        sync_key,
        alert_type,
        entity,
        coalesce(email, company_name, account_domain) as record_name,
        status,
        previous_status,
        tier,
        previous_tier,
        cast(score as {{ dbt.type_numeric() }}) as score,
        reasons,
        definition_id,
        assigned_owner,
        last_changed_at
    from classified
    where alert_type is not null
)

select * from final
