{%- set raw = raw_table('crm', 'crm_opportunities') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as crm_opportunity_id,
        {{ clean_text(raw_column(raw, 'account_id', 'text')) }} as crm_account_id,
        lower({{ clean_text(raw_column(raw, 'type', 'text', required=false)) }}) as opportunity_type,
        lower({{ clean_text(raw_column(raw, 'lead_source', 'text', required=false)) }}) as lead_source,
        {{ clean_text(raw_column(raw, 'stage', 'text', required=false)) }} as stage_name,
        coalesce({{ raw_column(raw, 'is_closed', 'boolean', required=false) }}, false) as is_closed,
        coalesce({{ raw_column(raw, 'is_won', 'boolean') }}, false) as is_won,
        {{ raw_column(raw, 'amount', 'numeric', required=false) }} as amount,
        {{ raw_column(raw, 'created_at', 'timestamp', required=false) }} as created_at,
        {{ raw_column(raw, 'closed_at', 'timestamp') }} as closed_at,
        coalesce({{ raw_column(raw, 'is_deleted', 'boolean', required=false) }}, false) as is_deleted
    from source
),

final as (
    select * from renamed
)

select * from final
