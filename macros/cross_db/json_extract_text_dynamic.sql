{#- Like json_extract_text, but the key comes from a column (configuration joined as data, keys
    validated as identifiers by int_pql_config_validated). Malformed JSON or a missing key gives
    null. -#}
{% macro json_extract_text_dynamic(column, key_column) -%}
    {{ return(adapter.dispatch('json_extract_text_dynamic', 'pql')(column, key_column)) }}
{%- endmacro %}

{% macro default__json_extract_text_dynamic(column, key_column) -%}
    {#- Raise only when executing: parsing renders every model with the default macros. -#}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("json_extract_text_dynamic is not implemented for adapter " ~ adapter.type()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__json_extract_text_dynamic(column, key_column) -%}
    case when json_valid({{ column }}) then json_extract_string({{ column }}, '$.' || {{ key_column }}) end
{%- endmacro %}

{% macro snowflake__json_extract_text_dynamic(column, key_column) -%}
    get(try_parse_json({{ column }}), {{ key_column }})::varchar
{%- endmacro %}

{% macro spark__json_extract_text_dynamic(column, key_column) -%}
    get_json_object({{ column }}, concat('$.', {{ key_column }}))
{%- endmacro %}

{% macro databricks__json_extract_text_dynamic(column, key_column) -%}
    {{ return(spark__json_extract_text_dynamic(column, key_column)) }}
{%- endmacro %}

{% macro postgres__json_extract_text_dynamic(column, key_column) -%}
    ({{ pql_function('pql_try_jsonb') }}({{ column }}) ->> {{ key_column }})
{%- endmacro %}
