{#- A JSON-typed column (JSON, VARIANT, OBJECT, ...) as JSON text, so the text JSON helpers
    (json_extract_text, is_malformed_json) read it like a text column. Dispatched. -#}
{% macro json_to_text(column) -%}
    {{ return(adapter.dispatch('json_to_text', 'pql')(column)) }}
{%- endmacro %}

{% macro default__json_to_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro snowflake__json_to_text(column) -%}
    to_json({{ column }})
{%- endmacro %}

{% macro bigquery__json_to_text(column) -%}
    to_json_string({{ column }})
{%- endmacro %}
