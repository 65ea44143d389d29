{#- numerator / denominator as a floating-point rate; null when the denominator is 0 or null,
    never a division error. Every rate in the funnel and report marts goes through it. -#}
{% macro safe_divide(numerator, denominator) -%}
    (({{ numerator }}) * 1.0 / nullif({{ denominator }}, 0))
{%- endmacro %}
