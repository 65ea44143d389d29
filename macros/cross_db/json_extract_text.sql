{#- Safe JSON field extraction: a malformed document, a non-object or a missing key yields null,
    never an error. `key` is a config-controlled identifier, validated before it reaches SQL. -#}
{% macro json_extract_text(column, key) -%}
    {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', key) -%}
        {{ exceptions.raise_compiler_error("json_extract_text: invalid JSON key '" ~ key ~ "' (expected an identifier)") }}
    {%- endif -%}
    {{ return(adapter.dispatch('json_extract_text', 'pql')(column, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(column, key) -%}
    {#- Raise only when executing: parsing renders every model with the default macros. -#}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("json_extract_text is not implemented for adapter " ~ adapter.type()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__json_extract_text(column, key) -%}
    case when json_valid({{ column }}) then json_extract_string({{ column }}, '$.{{ key }}') end
{%- endmacro %}

{% macro snowflake__json_extract_text(column, key) -%}
    try_parse_json({{ column }}):{{ key }}::varchar
{%- endmacro %}

{% macro bigquery__json_extract_text(column, key) -%}
    json_value(safe.parse_json({{ column }}), '$.{{ key }}')
{%- endmacro %}

{% macro spark__json_extract_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro databricks__json_extract_text(column, key) -%}
    {{ return(spark__json_extract_text(column, key)) }}
{%- endmacro %}

{% macro postgres__json_extract_text(column, key) -%}
    ({{ pql_function('pql_try_jsonb') }}({{ column }}) ->> '{{ key }}')
{%- endmacro %}
