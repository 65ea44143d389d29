{#- Whether this target can run dbt Python models. dbt-duckdb runs them in-process; Databricks,
    Snowflake and BigQuery run them on the warehouse. dbt-spark (thrift/session) and PostgreSQL
    cannot, so there every Python model has a SQL twin and the Python one is disabled. -#}
{% macro pql_python_models_supported() -%}
    {{- return(target.type in ['duckdb', 'databricks', 'snowflake', 'bigquery']) -}}
{%- endmacro %}
