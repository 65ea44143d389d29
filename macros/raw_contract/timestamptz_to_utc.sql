{#- An instant (TIMESTAMPTZ and the like) as a UTC timestamp without time zone, whatever the
    session time zone. Dispatched; the default is a cast to dbt.type_timestamp() (right where
    that type is itself an instant, as on BigQuery and Spark). -#}
{% macro timestamptz_to_utc(column) -%}
    {{ return(adapter.dispatch('timestamptz_to_utc', 'pql')(column)) }}
{%- endmacro %}

{% macro default__timestamptz_to_utc(column) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__timestamptz_to_utc(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{% macro postgres__timestamptz_to_utc(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro snowflake__timestamptz_to_utc(column) -%}
    convert_timezone('UTC', {{ column }})::timestamp_ntz
{%- endmacro %}
