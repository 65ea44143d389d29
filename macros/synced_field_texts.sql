{#- Each column as text with a visible marker for null and a separator, ready for dbt.concat
    and dbt.hash: ('a', null) and (null, 'a') hash differently. -#}
{% macro synced_field_texts(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}
