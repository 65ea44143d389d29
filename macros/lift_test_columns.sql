{#- The lift and its tests from lift_estimates, typed for a lift report's final select
    (rpt_signal_lift, rpt_signal_lift_by_frequency): lift, its interval and the adjusted lower
    bound, p- and q-value, and whether the lower bound (plain, adjusted) is above 1. -#}
{% macro lift_test_columns() -%}
    {%- for column in [
        'lift', 'lift_ci_low', 'lift_ci_high', 'lift_ci_low_adjusted', 'p_value', 'q_value',
    ] %}
        cast({{ column }} as {{ dbt.type_numeric() }}) as {{ column }},
    {%- endfor %}
        coalesce(lift_ci_low > 1, false) as is_significant,
        coalesce(lift_ci_low_adjusted > 1, false) as is_significant_adjusted
{%- endmacro %}
