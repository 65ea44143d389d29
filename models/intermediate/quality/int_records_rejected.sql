-- Nothing lost (docs/bad_input.md, "Data"): every raw CRM and billing row that staging marks
-- unusable, with its reason, the column and the value as sent. The facts read only the
-- usable rows (is_usable); raw = usable + rejected, per table (data test
-- assert_records_reconcile_with_raw).
{%- set tables = [
    {'raw_table': 'subscriptions', 'model': 'stg_billing__subscriptions', 'id': 'subscription_id',
     'content': ['account_id', 'plan', 'subscription_status_as_sent', 'started_at', 'updated_at', 'mrr']},
    {'raw_table': 'crm_accounts', 'model': 'stg_crm__accounts', 'id': 'crm_account_id',
     'content': ['account_name', 'domain_as_entered', 'owner_email', 'employee_count', 'created_at']},
    {'raw_table': 'crm_contacts', 'model': 'stg_crm__contacts', 'id': 'crm_contact_id',
     'content': ['crm_account_id', 'email', 'lead_source', 'mql_at', 'created_at']},
    {'raw_table': 'crm_opportunities', 'model': 'stg_crm__opportunities', 'id': 'crm_opportunity_id',
     'content': ['crm_account_id', 'opportunity_type_as_sent', 'stage_name', 'amount', 'created_at', 'closed_at']},
    {'raw_table': 'crm_activities', 'model': 'stg_crm__activities', 'id': 'crm_activity_id',
     'content': ['crm_contact_id', 'crm_account_id', 'activity_type_as_sent', 'owner_email', 'occurred_at']},
] %}

with

{% for table in tables %}
    {{ table.raw_table }} as (
        select
            '{{ table.raw_table }}' as raw_table,
            {{ table.id }} as record_id,
            {#- a row without an id is named by a hash of its content -#}
            {%- set parts = [] -%}
            {%- for column in table.content -%}
                {%- do parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
                {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
            {%- endfor %}
            coalesce(
                {{ table.id }},
                {{ dbt.concat(["'content:'", dbt.hash(dbt.concat(parts))]) }}
            ) as record_key,
            rejection_reason,
            rejected_column,
            rejected_value
        from {{ ref(table.model) }}
        where not is_usable
    ),

{% endfor %}
unioned as (
    {%- for table in tables %}
        select * from {{ table.raw_table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final
