{#- A number rounded to `places` decimal places, keeping its type. PostgreSQL has
    round(numeric, int) only, not round(double precision, int): there the value is rounded as
    numeric (half away from zero, as DuckDB and Spark do) and cast back to double precision. -#}
{% macro round_places(expression, places) -%}
    {{ return(adapter.dispatch('round_places', 'pql')(expression, places)) }}
{%- endmacro %}

{% macro default__round_places(expression, places) -%}
    round({{ expression }}, {{ places }})
{%- endmacro %}

{% macro postgres__round_places(expression, places) -%}
    cast(round(cast({{ expression }} as numeric), {{ places }}) as {{ type_double() }})
{%- endmacro %}
