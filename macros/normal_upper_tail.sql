{#- The upper tail of the standard normal distribution, P(Z > x), for an SQL expression x >= 0
    (Abramowitz and Stegun 26.2.17, absolute error below 7.5e-8). Plain arithmetic, exp and
    sqrt, so every adapter runs it. -#}
{% macro normal_upper_tail(x) -%}
    (exp(-({{ x }}) * ({{ x }}) / 2.0) * 0.3989422804014327
        * (1.0 / (1.0 + 0.2316419 * ({{ x }})))
        * (0.319381530 + (1.0 / (1.0 + 0.2316419 * ({{ x }})))
            * (-0.356563782 + (1.0 / (1.0 + 0.2316419 * ({{ x }})))
                * (1.781477937 + (1.0 / (1.0 + 0.2316419 * ({{ x }})))
                    * (-1.821255978 + (1.0 / (1.0 + 0.2316419 * ({{ x }}))) * 1.330274429)))))
{%- endmacro %}
