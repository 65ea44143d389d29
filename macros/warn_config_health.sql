{#- Post-hook of rpt_config_health: print each of its warnings in the dbt output, so a
    configuration that cannot match this warehouse's data is visible in every `dbt build`
    (and fails it under --warn-error). Runs a query only at execution time. -#}
{% macro warn_config_health(relation) -%}
    {%- if execute -%}
        {%- set warnings = run_query(
            "select message from " ~ relation ~ " where status = 'warn' order by health_check_id"
        ) -%}
        {%- for row in warnings.rows -%}
            {%- do exceptions.warn("config health: " ~ row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
