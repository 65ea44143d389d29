{#- The configuration every other model reads: the Python validator's output where the target
    runs dbt Python models, its SQL twin elsewhere. Both give identical rows
    (tests/test_config_parity.py). -#}
with validated as (
    {%- if pql_python_models_supported() %}
        select * from {{ ref('int_pql_config_validated_py') }}
    {%- else %}
    select * from {{ ref('int_pql_config_validated_sql') }}
    {%- endif %}
),

final as (
    select * from validated
)

select * from final
