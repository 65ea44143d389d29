{#- dbt-duckdb ships no safe_cast, so dbt's default (a plain cast, which raises on bad text) would
    be used. This shim, found through the `dispatch` search order in dbt_project.yml, makes
    dbt.safe_cast return null on DuckDB as it does on the other warehouses. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
