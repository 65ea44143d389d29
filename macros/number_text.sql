{#- A number as text with at most one decimal and none when it is whole (12, 2.5, -0.3), spelt
    the same on every engine (casting a double to text does not: 3.0 on DuckDB, 3 on
    PostgreSQL). For reasons a sales rep reads: an average of 2.5 minutes, usage grown 1.8
    times, 12 projects. -#}
{% macro number_text(number) -%}
    {%- set tenths = 'cast(round(abs(' ~ number ~ ') * 10) as ' ~ dbt.type_bigint() ~ ')' -%}
    {%- set whole = 'cast(floor(round(abs(' ~ number ~ ') * 10) / 10) as ' ~ dbt.type_bigint() ~ ')' -%}
    {%- set sign = "case when round(" ~ number ~ " * 10) < 0 then '-' else '' end" -%}
    case
        when {{ tenths }} = 10 * {{ whole }}
            then {{ dbt.concat([sign, 'cast(' ~ whole ~ ' as ' ~ dbt.type_string() ~ ')']) }}
        else {{ dbt.concat([
            sign,
            'cast(' ~ whole ~ ' as ' ~ dbt.type_string() ~ ')',
            "'.'",
            'cast(' ~ tenths ~ ' - 10 * ' ~ whole ~ ' as ' ~ dbt.type_string() ~ ')',
        ]) }}
    end
{%- endmacro %}
