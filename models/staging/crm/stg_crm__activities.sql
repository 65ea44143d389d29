{%- set raw = raw_table('crm', 'crm_activities') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as crm_activity_id,
        {{ clean_text(raw_column(raw, 'contact_id', 'text', required=false)) }} as crm_contact_id,
        {{ clean_text(raw_column(raw, 'account_id', 'text')) }} as crm_account_id,
        lower({{ clean_text(raw_column(raw, 'type', 'text', required=false)) }}) as activity_type,
        lower({{ clean_text(raw_column(raw, 'owner_email', 'text', required=false)) }}) as owner_email,
        {{ raw_column(raw, 'occurred_at', 'timestamp') }} as occurred_at
    from source
),

final as (
    select * from renamed
)

select * from final
