{#- One bound of the Wilson score interval for a proportion successes / trials, at the normal
    quantile var pql_confidence_z (1.96: 95%). Null when trials is 0 or null. Unlike the normal
    approximation it stays inside [0, 1] and is honest for small samples and rates near 0 or 1,
    so a rate from 3 entities gets a wide interval. side: 'lower' or 'upper'. -#}
{% macro wilson_bound(successes, trials, side) -%}
    {%- if side not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_bound: side must be 'lower' or 'upper', got '" ~ side ~ "'") }}
    {%- endif -%}
    {%- set z = var('pql_confidence_z') | float -%}
    {#- Spark divides decimals (`1.0 * x / n`) to 6 decimal places: there trials is a double
        first, so the bound is as exact as on other engines (which divide in double). -#}
    {%- if target.type in ('spark', 'databricks') -%}
        {%- set n = '(cast(' ~ trials ~ ' as ' ~ type_double() ~ '))' -%}
    {%- else -%}
        {%- set n = '(' ~ trials ~ ')' -%}
    {%- endif -%}
    {%- set p = '((' ~ successes ~ ') * 1.0 / nullif(' ~ n ~ ', 0))' -%}
    {%- set sign = '-' if side == 'lower' else '+' -%}
    case when {{ n }} > 0 then
        ({{ p }} + ({{ z }} * {{ z }}) / (2.0 * {{ n }})
            {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + ({{ z }} * {{ z }}) / (4.0 * {{ n }} * {{ n }})))
        / (1 + ({{ z }} * {{ z }}) / {{ n }})
    end
{%- endmacro %}
