{#- A comma-separated list of quoted, escaped SQL string literals, for `in (...)` lists built
    from configuration. Configuration never reaches SQL as raw text. -#}
{% macro sql_string_list(values) -%}
    {%- if values is string or values | length == 0 -%}
        {{ exceptions.raise_compiler_error("sql_string_list: expected a non-empty list, got " ~ values) }}
    {%- endif -%}
    {%- for value in values -%}
        {{ dbt.string_literal(dbt.escape_single_quotes(value | string)) }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
