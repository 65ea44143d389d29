-- Nothing lost (docs/bad_input.md, "Data"): for every raw CRM and billing table, the raw rows
-- equal the usable staging rows plus the rows in int_records_rejected. Returns one row per
-- table whose counts differ, naming the table and the three counts.
{%- set tables = [
    ('billing', 'subscriptions', 'stg_billing__subscriptions'),
    ('crm', 'crm_accounts', 'stg_crm__accounts'),
    ('crm', 'crm_contacts', 'stg_crm__contacts'),
    ('crm', 'crm_opportunities', 'stg_crm__opportunities'),
    ('crm', 'crm_activities', 'stg_crm__activities'),
] %}

with

counts as (
    {%- for source_name, raw_table_name, model in tables %}
        {%- set raw = raw_table(source_name, raw_table_name) %}
        select
            '{{ raw_table_name }}' as raw_table,
            (select count(*) from {{ raw.relation }}) as raw_row_count,
            (
                select count(*) from {{ ref(model) }}
                where is_usable
            ) as usable_row_count,
            (
                select count(*) from {{ ref('int_records_rejected') }}
                where raw_table = '{{ raw_table_name }}'
            ) as rejected_row_count
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from counts
)

select * from final
where raw_row_count != usable_row_count + rejected_row_count
