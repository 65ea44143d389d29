{#- A company-size band label from an employee count, with the band edges of var
    pql_company_size_bands (ascending; default 10, 50, 200, 1000): '1-9', '10-49', '50-199',
    '200-999', '1000+'; 'unknown' when the count is null. -#}
{% macro company_size_band(column) -%}
    {%- set edges = var('pql_company_size_bands', [10, 50, 200, 1000]) -%}
    {%- if edges is string or edges | length == 0 -%}
        {{ exceptions.raise_compiler_error("var pql_company_size_bands must be a non-empty list of numbers, got " ~ edges) }}
    {%- endif -%}
    {%- for edge in edges -%}
        {%- if not (edge is number) or (not loop.first and edge <= edges[loop.index0 - 1]) -%}
            {{ exceptions.raise_compiler_error("var pql_company_size_bands must be ascending numbers, got " ~ edges) }}
        {%- endif -%}
    {%- endfor -%}
    case
        when {{ column }} is null then 'unknown'
        {%- for edge in edges %}
            when {{ column }} < {{ edge }} then '{{ 1 if loop.first else edges[loop.index0 - 1] }}-{{ edge - 1 }}'
        {%- endfor %}
        else '{{ edges[-1] }}+'
    end
{%- endmacro %}
