{#- True when the row `row_alias` matches a row of `touched` (a CTE of touched keys) on every
    column of `columns` (the same names on both sides): a semi-join, so an incremental model
    reads only the rows of the entities or entity-days its run touched without aggregating the
    stream first. -#}
{% macro row_is_touched(touched, row_alias, columns) -%}
    exists (
        select 1
        from {{ touched }}
        where
            {% for column in columns -%}
                {{ touched }}.{{ column }} = {{ row_alias }}.{{ column }}
                {%- if not loop.last %}
            and {% endif %}
            {%- endfor %}
    )
{%- endmacro %}
