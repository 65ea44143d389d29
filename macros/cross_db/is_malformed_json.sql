{#- True when a JSON text column holds something that does not parse; null input is not malformed
    (it is simply absent). -#}
{% macro is_malformed_json(column) -%}
    {{ return(adapter.dispatch('is_malformed_json', 'pql')(column)) }}
{%- endmacro %}

{% macro default__is_malformed_json(column) -%}
    {#- Raise only when executing: parsing renders every model with the default macros. -#}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error("is_malformed_json is not implemented for adapter " ~ adapter.type()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__is_malformed_json(column) -%}
    coalesce(not json_valid({{ column }}), false)
{%- endmacro %}

{% macro snowflake__is_malformed_json(column) -%}
    ({{ column }} is not null and try_parse_json({{ column }}) is null)
{%- endmacro %}

{% macro bigquery__is_malformed_json(column) -%}
    ({{ column }} is not null and safe.parse_json({{ column }}) is null)
{%- endmacro %}

{% macro spark__is_malformed_json(column) -%}
    ({{ column }} is not null and get_json_object({{ column }}, '$') is null)
{%- endmacro %}

{% macro databricks__is_malformed_json(column) -%}
    {{ return(spark__is_malformed_json(column)) }}
{%- endmacro %}

{% macro postgres__is_malformed_json(column) -%}
    ({{ column }} is not null and {{ pql_function('pql_try_jsonb') }}({{ column }}) is null)
{%- endmacro %}
