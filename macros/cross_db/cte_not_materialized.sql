{#- Written between `name as` and a CTE's body, for a CTE that several parts of a query read:
    asks the warehouse to compute it where it is read rather than store it whole first. DuckDB
    stores a CTE read more than once in memory (spilling past memory_limit), which for a whole
    event stream costs more than reading it again; PostgreSQL 12+ takes the same words. Other
    warehouses plan CTEs themselves and take no hint. -#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'pql')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}
{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro postgres__cte_not_materialized() -%}
    not materialized
{%- endmacro %}
