{#- dbt-postgres's safe_cast is a plain cast, which raises on bad text; PostgreSQL has no
    try_cast. This shim (found through the `dispatch` search order in dbt_project.yml) returns
    null instead, as try_cast does on DuckDB:
      numbers   the text must look like a number (sign, digits, point, exponent of at most
                three digits) and fit the type's range (numeric(p, s): below 10^(p - s);
                integer, bigint, smallint: their bounds; real / double: 1e38 / 1e308)
      boolean   PostgreSQL's boolean spellings (true/false, t/f, yes/no, on/off, 1/0)
      date and timestamps  through pql_try_timestamptz (macros/cross_db/pql_engine_functions.sql)
      other types  a plain cast -#}
{% macro postgres__safe_cast(field, type) -%}
    {%- set t = type | lower | trim -%}
    {%- set re = modules.re -%}
    {%- set text = 'trim(cast(' ~ field ~ ' as text))' -%}
    {%- set number_pattern = "'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$'" -%}
    {%- set int_bounds = {'smallint': 32767, 'int2': 32767, 'integer': 2147483647, 'int': 2147483647,
        'int4': 2147483647, 'bigint': 9223372036854775807, 'int8': 9223372036854775807} -%}
    {%- set decimal = re.match('^(numeric|decimal)\s*\(\s*(\d+)\s*(,\s*(\d+)\s*)?\)$', t) -%}
    {%- if t in int_bounds or decimal or t in ('numeric', 'decimal', 'real', 'float4', 'double precision', 'float8', 'float') -%}
        {%- if t in int_bounds -%}
            {%- set bound = int_bounds[t] ~ '.5' -%}
        {%- elif decimal -%}
            {%- set bound = '1e' ~ ((decimal.group(2) | int) - (decimal.group(4) or 0) | int) -%}
        {%- elif t in ('real', 'float4') -%}
            {%- set bound = '1e38' -%}
        {%- elif t in ('numeric', 'decimal') -%}
            {%- set bound = '1e1000' -%}
        {%- else -%}
            {%- set bound = '1e308' -%}
        {%- endif -%}
        case
            when {{ text }} ~ {{ number_pattern }}
                and abs(cast({{ text }} as numeric)) < cast('{{ bound }}' as numeric)
                then cast(cast({{ text }} as numeric) as {{ type }})
        end
    {%- elif t in ('boolean', 'bool') -%}
        case
            when lower({{ text }}) in ('true', 't', 'yes', 'y', 'on', '1') then true
            when lower({{ text }}) in ('false', 'f', 'no', 'n', 'off', '0') then false
        end
    {%- elif t == 'date' or t.startswith('timestamp') -%}
        {%- set instant = pql_function('pql_try_timestamptz') ~ '(' ~ text ~ ')' -%}
        {%- if 'with time zone' in t or t == 'timestamptz' -%}
            {{ instant }}
        {%- else -%}
            cast(({{ instant }} at time zone 'UTC') as {{ type }})
        {%- endif -%}
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
