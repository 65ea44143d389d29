{#- Text values of a group joined by a delimiter in a given order (nulls skipped): dbt.listagg
    where the warehouse honours its order (DuckDB, PostgreSQL, Snowflake, ...). Spark and
    Databricks ignore listagg's order, so there the values are collected with their sort keys
    and sorted first. order_by is a comma-separated list of `expression [desc]` terms; a desc
    term must be numeric (Spark sorts it by its negation). -#}
{% macro pql_ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('pql_ordered_listagg', 'pql')(measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__pql_ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by)) }}
{%- endmacro %}

{% macro spark__pql_ordered_listagg(measure, delimiter_text, order_by) -%}
    {%- set fields = [] -%}
    {%- for term in order_by.split(',') -%}
        {%- set words = term.strip().split(' ') -%}
        {%- if words | length > 1 and words[-1] | lower == 'desc' -%}
            {%- do fields.append("'k" ~ loop.index ~ "', -(" ~ words[:-1] | join(' ') ~ ")") -%}
        {%- else -%}
            {%- do fields.append("'k" ~ loop.index ~ "', " ~ term.strip()) -%}
        {%- endif -%}
    {%- endfor -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct({{ fields | join(', ') }}, 'v', {{ measure }}))),
            item -> item.v
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
