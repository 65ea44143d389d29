{#- The earliest load or event time pql believes, from var pql_earliest_plausible_load_time, as
    a timestamp literal. A load time before it (a loader default such as 1900-01-01 or 1970)
    and an event time before it (year 1, 'epoch', '-infinity': a reset client clock) cannot be
    real. Fails naming the var when its value is not a date. -#}
{% macro earliest_plausible_time() -%}
    {%- set value = var('pql_earliest_plausible_load_time') | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$', value) -%}
        {{ exceptions.raise_compiler_error(
            "var pql_earliest_plausible_load_time: '" ~ value
            ~ "' is not a date; expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' (UTC), e.g. 2000-01-01"
        ) }}
    {%- endif -%}
    {{ dbt.cast("'" ~ value ~ "'", dbt.type_timestamp()) }}
{%- endmacro %}
