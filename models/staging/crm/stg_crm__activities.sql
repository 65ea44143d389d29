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
        lower({{ clean_text(raw_column(raw, 'type', 'text', required=false)) }}) as activity_type_as_sent,
        lower({{ clean_text(raw_column(raw, 'owner_email', 'text', required=false)) }}) as owner_email,
        {{ raw_column(raw, 'occurred_at', 'timestamp') }} as occurred_at,
        {{ record_rejection(raw, [
            ['id', 'text', 'key'],
            ['account_id', 'text', 'required'],
            ['occurred_at', 'timestamp', 'required'],
        ], keep_first_by=['occurred_at', 'account_id', 'contact_id', 'type', 'owner_email']) }}
    from source
),

final as (
    select
        *,
        case
            when activity_type_as_sent in ({{ sql_string_list(var('pql_known_activity_types')) }})
                then activity_type_as_sent
            when activity_type_as_sent is not null then 'other'
        end as activity_type,
        rejection_reason is null as is_usable
    from renamed
)

select * from final
