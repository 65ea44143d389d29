{#- The incremental strategy of pql's keyed incremental models: replace every stored row whose
    unique_key is in the new batch, then insert the batch (a key may hold several rows, e.g. one
    per event name of a user-day, so a plain merge is not enough).
    DuckDB, PostgreSQL, Databricks (Delta) and most adapters: delete+insert. dbt-spark has no
    delete+insert and, without Delta, no merge or delete: there the strategy is
    insert_overwrite, which pql's dbt_spark_get_incremental_sql turns into a keyed replacement
    (spark__ below). -#}
{% macro pql_incremental_strategy() -%}
    {{ return(adapter.dispatch('pql_incremental_strategy', 'pql')()) }}
{%- endmacro %}

{% macro default__pql_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__pql_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- dbt-databricks dispatches to spark__ after databricks__; on Delta it has delete+insert. -#}
{% macro databricks__pql_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}
