{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='sync_key',
        on_schema_change='fail',
    )
}}
{#- Change detection for reverse ETL. Each record carries a hash of every field pql syncs and
    the time that hash last changed (the dbt run that changed it). An incremental run rewrites
    only records whose hash changed, so a rebuild with no new data changes nothing, and a sync
    tool can send only rows with last_changed_at after its previous sync. The status and tier
    before the last change are kept for change alerts. -#}
{%- set synced_fields = [
    'crm_object', 'crm_record_id', 'email', 'full_name', 'company_name', 'account_domain',
    'definition_id', 'definition_version', 'status', 'score', 'tier', 'reasons', 'qualified_at',
    'assigned_owner', 'owner_type',
] -%}

with

records as (
    select * from {{ ref('int_crm_sync_records') }}
),

hashed as (
    select
        *,
        {{ dbt.hash(dbt.concat(synced_field_texts(synced_fields))) }} as synced_fields_hash
    from records
),

{% if is_incremental() %}
    previous as (
        select
            sync_key,
            synced_fields_hash,
            status,
            tier
        from {{ this }}
    ),
{% endif %}

final as (
    select
        hashed.*,
        {{ dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) }}
            as last_changed_at,
        {% if is_incremental() %}
            previous.status as previous_status,
            previous.tier as previous_tier
        {% else %}
            {{ dbt.cast('null', dbt.type_string()) }} as previous_status,
            {{ dbt.cast('null', dbt.type_string()) }} as previous_tier
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
