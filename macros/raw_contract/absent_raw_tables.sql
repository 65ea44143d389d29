{#- The raw tables declared absent in var `pql_absent_raw_tables`: a list of the optional raw
    tables of the contract (subscriptions and the crm_* tables; tracks, pages, identifies and
    groups are required). Checked against macros/vars/pql_var_rules.sql, like every var, so a
    bad value fails naming the var, the value and the tables that may be absent. -#}
{% macro absent_raw_tables() -%}
    {{ return(validated_var('pql_absent_raw_tables') | list) }}
{%- endmacro %}
