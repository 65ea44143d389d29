{#- Written between `name as` and a CTE's body, for a CTE whose expressions the next CTEs
    read several times: asks the warehouse to compute it once and store it. PostgreSQL 12+
    inlines a CTE read once into the query that reads it, so a chain of such CTEs (the reason
    template plurals: each step reads the last step's text several times) grows its
    expressions exponentially and exhausts the planner's memory; `materialized` stops that.
    DuckDB and the other warehouses plan such chains without the hint. -#}
{% macro cte_materialized() -%}
    {{ return(adapter.dispatch('cte_materialized', 'pql')()) }}
{%- endmacro %}

{% macro default__cte_materialized() -%}
{%- endmacro %}

{% macro postgres__cte_materialized() -%}
    materialized
{%- endmacro %}
