-- depends_on: {{ ref('stg_crm__contacts') }}
-- depends_on: {{ ref('stg_crm__accounts') }}
-- depends_on: {{ ref('int_users_profiled') }}
-- depends_on: {{ ref('int_accounts_profiled') }}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key='sync_key',
        on_schema_change='fail',
        full_refresh=false,
    )
}}
{#- Change detection and sync state for reverse ETL, one row per CRM record pql has ever
    written. Each row carries a hash of every field pql syncs (and the sync action) and the time
    that hash last changed (the dbt run that changed it). A run rewrites only records whose hash
    changed, so a rebuild with no new data changes nothing, and a sync tool can send only rows
    with last_changed_at after its previous sync.

    sync_action: a record in int_crm_sync_records is an `upsert`. A record pql wrote before that
    is no longer there gets one `delete` row (its pql fields null, the reason in delete_reason)
    in the run that notices it; later runs leave that row as it is. A record that comes back is
    an upsert again.

    full_refresh=false: this table is the memory of what was sent, so `--full-refresh` (which
    the README prescribes for rows loaded late) runs it incrementally like any other run; it
    re-stamps only records whose fields really changed and re-sends no alert. To reset the
    memory on purpose (or after a change to its columns, which on_schema_change='fail'
    reports), drop the table. -#}
{%- set synced_fields = [
    'sync_action', 'delete_reason',
    'crm_object', 'crm_record_id', 'email', 'full_name', 'company_name', 'account_domain',
    'definition_id', 'definition_version', 'status', 'score', 'tier', 'reasons', 'qualified_at',
    'assigned_owner', 'owner_type',
    'learned_probability', 'learned_band', 'learned_top_factors',
] -%}
{%- set run_time = dbt.cast(
    "'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()
) -%}
{%- set null_text = dbt.cast('null', dbt.type_string()) -%}

with

records as (
    select * from {{ ref('int_crm_sync_records') }}
),

upserts as (
    select
        sync_key,
        entity,
        entity_id,
        'upsert' as sync_action,
        {{ null_text }} as delete_reason,
        crm_object,
        crm_record_id,
        email,
        full_name,
        company_name,
        account_domain,
        definition_id,
        definition_version,
        status,
        score,
        tier,
        reasons,
        qualified_at,
        assigned_owner,
        owner_type,
        cast(learned_probability as {{ dbt.type_numeric() }}) as learned_probability,
        learned_band,
        learned_top_factors
    from records
),

{% if is_incremental() %}
    previous as (
        select *
        from {{ this }}
    ),

    live_crm_records as (
        select
            'contact' as crm_object,
            crm_contact_id as crm_record_id
        from {{ ref('stg_crm__contacts') }}
        where not is_deleted
        union all
        select
            'account' as crm_object,
            crm_account_id as crm_record_id
        from {{ ref('stg_crm__accounts') }}
        where not is_deleted
    ),

    live_entities as (
        select
            'user' as entity,
            user_id as entity_id
        from {{ ref('int_users_profiled') }}
        union all
        select
            'account' as entity,
            account_id as entity_id
        from {{ ref('int_accounts_profiled') }}
    ),

    deletes as (
        {#- Records written as an upsert before and no longer wanted: one delete each. -#}
        select
            previous.sync_key,
            previous.entity,
            previous.entity_id,
            'delete' as sync_action,
            case
                when previous.crm_record_id is not null and live_crm_records.crm_record_id is null
                    then 'crm_record_deleted'
                when live_entities.entity_id is null then 'entity_gone'
                else 'no_longer_targeted'
            end as delete_reason,
            previous.crm_object,
            previous.crm_record_id,
            previous.email,
            previous.full_name,
            previous.company_name,
            previous.account_domain,
            {{ null_text }} as definition_id,
            {{ null_text }} as definition_version,
            {{ null_text }} as status,
            cast(null as {{ dbt.type_numeric() }}) as score,
            {{ null_text }} as tier,
            {{ null_text }} as reasons,
            cast(null as date) as qualified_at,
            previous.assigned_owner,
            previous.owner_type,
            cast(null as {{ dbt.type_numeric() }}) as learned_probability,
            {{ null_text }} as learned_band,
            {{ null_text }} as learned_top_factors
        from previous
        left join records
            on previous.sync_key = records.sync_key
        left join live_crm_records
            on
                previous.crm_object = live_crm_records.crm_object
                and previous.crm_record_id = live_crm_records.crm_record_id
        left join live_entities
            on
                previous.entity = live_entities.entity
                and previous.entity_id = live_entities.entity_id
        where previous.sync_action = 'upsert' and records.sync_key is null
    ),
{% endif %}

wanted as (
    select * from upserts
    {% if is_incremental() %}
        union all
        select * from deletes
    {% endif %}
),

hashed as (
    select
        *,
        {{ dbt.hash(dbt.concat(synced_field_texts(synced_fields))) }} as synced_fields_hash
    from wanted
),

final as (
    select
        hashed.*,
        {{ run_time }} as last_changed_at,
        {% if is_incremental() %}
            {#- cast like the first run's nulls: the stored status and tier may be typed
                varchar where null_text is text (PostgreSQL), and on_schema_change fails -#}
            {{ dbt.cast('previous.status', dbt.type_string()) }} as previous_status,
            {{ dbt.cast('previous.tier', dbt.type_string()) }} as previous_tier
        {% else %}
            {{ null_text }} as previous_status,
            {{ null_text }} as previous_tier
        {% endif %}
    from hashed
    {% if is_incremental() %}
        left join previous
            on hashed.sync_key = previous.sync_key
        where
            previous.sync_key is null
            or previous.synced_fields_hash != hashed.synced_fields_hash
    {% endif %}
)

select * from final
