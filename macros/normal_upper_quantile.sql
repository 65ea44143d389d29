{#- The x with P(Z > x) = p for the standard normal distribution, for an SQL expression
    0 < p <= 0.5 (Abramowitz and Stegun 26.2.23, absolute error below 4.5e-4). Plain
    arithmetic, ln and sqrt, so every adapter runs it. -#}
{% macro normal_upper_quantile(p) -%}
    (sqrt(-2.0 * ln({{ p }}))
        - (2.515517 + 0.802853 * sqrt(-2.0 * ln({{ p }})) + 0.010328 * (-2.0 * ln({{ p }})))
        / (1.0 + 1.432788 * sqrt(-2.0 * ln({{ p }})) + 0.189269 * (-2.0 * ln({{ p }}))
            + 0.001308 * (-2.0 * ln({{ p }})) * sqrt(-2.0 * ln({{ p }}))))
{%- endmacro %}
