{#- An 8-byte floating-point type: what a pandas/Arrow float64 column becomes. dbt.type_float()
    is a 4-byte REAL on DuckDB and Spark, so a SQL twin of a Python model spells double here. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'pql')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}
