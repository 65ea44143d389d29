{{ config(severity='warn') }}
-- Categorical values are open (docs/bad_input.md, "Data"): an activity type, opportunity type
-- or subscription status outside the known lists (vars pql_known_*) is read as 'other' and
-- listed here with its count, as a warning, never an error. Add a value to the var to make it
-- known.
{%- set categories = [
    ('crm_activities', 'type', 'stg_crm__activities', 'activity_type'),
    ('crm_opportunities', 'type', 'stg_crm__opportunities', 'opportunity_type'),
    ('subscriptions', 'status', 'stg_billing__subscriptions', 'subscription_status'),
] %}

with

unknown_values as (
    {%- for raw_table_name, raw_column_name, model, column in categories %}
        select
            '{{ raw_table_name }}' as raw_table,
            '{{ raw_column_name }}' as raw_column,
            {{ column }}_as_sent as value_as_sent,
            count(*) as row_count
        from {{ ref(model) }}
        where {{ column }} = 'other' and {{ column }}_as_sent != 'other'
        group by {{ column }}_as_sent
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from unknown_values
)

select * from final
