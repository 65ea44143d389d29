{#- The continuous percentile (linear interpolation) of an expression as an aggregate, e.g.
    the median is percentile_cont('days', 0.5). `fraction` is a number between 0 and 1 fixed at
    compile time. Dispatched: BigQuery has percentile_cont only as a window function. -#}
{% macro percentile_cont(expression, fraction) -%}
    {%- if not (fraction is number and 0 <= fraction <= 1) -%}
        {{ exceptions.raise_compiler_error("percentile_cont: fraction must be a number in [0, 1], got " ~ fraction) }}
    {%- endif -%}
    {{ return(adapter.dispatch('percentile_cont', 'pql')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro bigquery__percentile_cont(expression, fraction) -%}
    approx_quantiles({{ expression }}, 100)[offset({{ (fraction * 100) | round | int }})]
{%- endmacro %}
