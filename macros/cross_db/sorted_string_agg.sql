{#- Aggregate text values into one string, sorted by their code points and joined by
    `delimiter` (a SQL string literal), the same on every adapter. dbt.listagg cannot order on
    Spark, and PostgreSQL sorts text by the database's collation unless told "C". -#}
{% macro sorted_string_agg(column, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'pql')(column, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(column, delimiter) -%}
    {{ dbt.listagg(column, delimiter, 'order by ' ~ column) }}
{%- endmacro %}

{% macro postgres__sorted_string_agg(column, delimiter) -%}
    string_agg({{ column }}, {{ delimiter }} order by {{ column }} collate "C")
{%- endmacro %}

{% macro spark__sorted_string_agg(column, delimiter) -%}
    array_join(array_sort(collect_list({{ column }})), {{ delimiter }})
{%- endmacro %}
