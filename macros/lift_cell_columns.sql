{#- The four cells of a lift row and their totals, typed for a lift report's final select
    (rpt_signal_lift, rpt_signal_lift_by_frequency): population and converted counts, and the
    did / did-not counts and conversions. -#}
{% macro lift_cell_columns() -%}
    {%- for column in [
        'population_count', 'converted_count', 'did_count', 'did_converted_count',
        'not_did_count', 'not_did_converted_count',
    ] %}
        cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
