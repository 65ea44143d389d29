{#- The family of a warehouse column type, as raw_column() treats it: timestamptz (an instant:
    TIMESTAMPTZ, TIMESTAMP WITH TIME ZONE, TIMESTAMP_TZ / _LTZ), timestamp (wall-clock, taken as
    UTC: TIMESTAMP, TIMESTAMP_NTZ, DATETIME), date, boolean, number, json (JSON, VARIANT,
    OBJECT, STRUCT, MAP), text, or other. Dispatched: BigQuery's TIMESTAMP is an instant. -#}
{% macro raw_type_family(data_type) -%}
    {{ return(adapter.dispatch('raw_type_family', 'pql')(data_type)) }}
{%- endmacro %}

{% macro default__raw_type_family(data_type) -%}
    {%- set t = (data_type or '') | lower | trim -%}
    {%- set re = modules.re -%}
    {%- if 'with time zone' in t or re.match('^(timestamptz|timestamp_tz|timestamp_ltz)', t) -%}
        {{ return('timestamptz') }}
    {%- elif re.match('^(timestamp|datetime)', t) -%}
        {{ return('timestamp') }}
    {%- elif t == 'date' -%}
        {{ return('date') }}
    {%- elif re.match('^bool', t) -%}
        {{ return('boolean') }}
    {%- elif re.match('^(tinyint|smallint|integer|int|bigint|hugeint|ubigint|uinteger|usmallint|utinyint|uhugeint|int[0-9]|byteint|decimal|numeric|number|double|float|real|bignumeric)', t) -%}
        {{ return('number') }}
    {%- elif re.match('^(json|jsonb|variant|object|struct|map)', t) -%}
        {{ return('json') }}
    {%- elif re.match('^(varchar|character|char|text|string|nvarchar|nchar|bpchar)', t) -%}
        {{ return('text') }}
    {%- else -%}
        {{ return('other') }}
    {%- endif -%}
{%- endmacro %}

{% macro bigquery__raw_type_family(data_type) -%}
    {%- set t = (data_type or '') | lower | trim -%}
    {%- if t == 'timestamp' -%}
        {{ return('timestamptz') }}
    {%- endif -%}
    {{ return(default__raw_type_family(data_type)) }}
{%- endmacro %}
