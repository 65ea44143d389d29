{%- set raw = raw_table('crm', 'crm_contacts') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as crm_contact_id,
        {{ clean_text(raw_column(raw, 'account_id', 'text', required=false)) }} as crm_account_id,
        {{ normalize_email(raw_column(raw, 'email', 'text')) }} as email,
        {{ email_domain(normalize_email(raw_column(raw, 'email', 'text'))) }} as email_domain,
        lower({{ clean_text(raw_column(raw, 'lead_source', 'text', required=false)) }}) as lead_source,
        {{ raw_column(raw, 'mql_at', 'timestamp', required=false) }} as mql_at,
        {{ raw_column(raw, 'created_at', 'timestamp', required=false) }} as created_at,
        coalesce({{ raw_column(raw, 'is_deleted', 'boolean', required=false) }}, false) as is_deleted,
        {{ record_rejection(raw, [
            ['id', 'text', 'key'],
            ['is_deleted', 'boolean', 'optional'],
            ['mql_at', 'timestamp', 'optional'],
            ['created_at', 'timestamp', 'optional'],
        ], keep_first_by=['created_at', 'account_id', 'email', 'lead_source', 'mql_at', 'is_deleted']) }}
    from source
),

final as (
    select
        *,
        mql_at is not null as is_mql,
        rejection_reason is null as is_usable
    from renamed
)

select * from final
