{#- The earliest load or event time pql believes, from var pql_earliest_plausible_load_time, as
    a timestamp literal. A load time before it (a loader default such as 1900-01-01 or 1970)
    and an event time before it (year 1, 'epoch', '-infinity': a reset client clock) cannot be
    real. -#}
{% macro earliest_plausible_time() -%}
    {#- Checked against macros/vars/pql_var_rules.sql: a date written YYYY-MM-DD. -#}
    {{ dbt.cast("'" ~ validated_var('pql_earliest_plausible_load_time') ~ "'", dbt.type_timestamp()) }}
{%- endmacro %}
