{%- set raw = raw_table('crm', 'crm_opportunities') -%}
{%- set known_types = var('pql_known_opportunity_types') + var('pql_new_business_opportunity_types')
    + var('pql_expansion_opportunity_types') -%}

with

source as (
    select * from {{ raw.relation }}
),

renamed as (
    select
        {{ clean_text(raw_column(raw, 'id', 'text')) }} as crm_opportunity_id,
        {{ clean_text(raw_column(raw, 'account_id', 'text')) }} as crm_account_id,
        lower({{ clean_text(raw_column(raw, 'type', 'text', required=false)) }}) as opportunity_type_as_sent,
        lower({{ clean_text(raw_column(raw, 'lead_source', 'text', required=false)) }}) as lead_source,
        {{ clean_text(raw_column(raw, 'stage', 'text', required=false)) }} as stage_name,
        coalesce({{ raw_column(raw, 'is_closed', 'boolean', required=false) }}, false) as is_closed,
        coalesce({{ raw_column(raw, 'is_won', 'boolean') }}, false) as is_won,
        {{ raw_column(raw, 'amount', 'numeric', required=false) }} as amount,
        {{ raw_column(raw, 'created_at', 'timestamp', required=false) }} as created_at,
        {{ raw_column(raw, 'closed_at', 'timestamp') }} as closed_at,
        coalesce({{ raw_column(raw, 'is_deleted', 'boolean', required=false) }}, false) as is_deleted,
        {{ record_rejection(raw, [
            ['id', 'text', 'key'],
            ['account_id', 'text', 'required'],
            ['is_deleted', 'boolean', 'optional'],
            ['is_won', 'boolean', 'optional'],
            ['is_closed', 'boolean', 'optional'],
            ['amount', 'numeric', 'optional'],
            ['closed_at', 'timestamp', 'optional'],
            ['created_at', 'timestamp', 'optional'],
        ], keep_first_by=['created_at', 'account_id', 'type', 'lead_source', 'stage', 'is_closed', 'is_won', 'amount', 'closed_at', 'is_deleted']) }}
    from source
),

final as (
    select
        *,
        case
            when
                opportunity_type_as_sent in ({{ sql_string_list(known_types) }})
                then opportunity_type_as_sent
            when opportunity_type_as_sent is not null then 'other'
        end as opportunity_type,
        rejection_reason is null as is_usable
    from renamed
)

select * from final
