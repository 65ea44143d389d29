{#- Parse an ISO-8601 text timestamp as the client sent it into a UTC timestamp without time
    zone. An offset ("+02:00", "Z") is honoured; text without an offset is taken as UTC;
    text that does not parse yields null (the caller flags it), never an error. -#}
{% macro parse_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'pql')(column)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(column) -%}
    {{ dbt.safe_cast(column, api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column) -%}
    timezone('UTC', try_cast(trim({{ column }}) as timestamptz))
{%- endmacro %}

{% macro snowflake__parse_utc_timestamp(column) -%}
    convert_timezone('UTC', try_to_timestamp_tz(trim({{ column }})))::timestamp_ntz
{%- endmacro %}

{% macro bigquery__parse_utc_timestamp(column) -%}
    safe_cast(trim({{ column }}) as timestamp)
{%- endmacro %}
