{#- dbt.cast on Spark with pql's portable type names (spark_data_type): the contract check casts
    null to each column's YAML data_type, so `varchar` must become `string` there. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_data_type(type) }})
{%- endmacro %}
