{%- set raw = raw_table('crm', 'crm_accounts') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as crm_account_id,
        {{ clean_text(raw_column(raw, 'name', 'text', required=false)) }} as account_name,
        {{ raw_column(raw, 'domain', 'text', required=false) }} as domain_as_entered,
        {{ normalize_domain(raw_column(raw, 'domain', 'text', required=false)) }} as account_domain,
        lower({{ clean_text(raw_column(raw, 'owner_email', 'text', required=false)) }}) as owner_email,
        {{ clean_text(raw_column(raw, 'industry', 'text', required=false)) }} as industry,
        {{ raw_column(raw, 'employees', 'integer', required=false) }} as employee_count,
        {{ clean_text(raw_column(raw, 'billing_country', 'text', required=false)) }} as billing_country,
        {{ raw_column(raw, 'created_at', 'timestamp', required=false) }} as created_at,
        coalesce({{ raw_column(raw, 'is_deleted', 'boolean', required=false) }}, false) as is_deleted,
        {{ record_rejection(raw, [
            ['id', 'text', 'key'],
            ['is_deleted', 'boolean', 'optional'],
            ['employees', 'integer', 'optional'],
            ['created_at', 'timestamp', 'optional'],
        ], keep_first_by=['created_at', 'name', 'domain', 'owner_email', 'industry', 'employees', 'billing_country', 'is_deleted']) }}
    from source
),

final as (
    select
        *,
        rejection_reason is null as is_usable
    from renamed
)

select * from final
