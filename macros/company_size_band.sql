{#- A company-size band label from an employee count, with the band edges of var
    pql_company_size_bands (ascending integers, checked by validated_var): '1-9', '10-49', '50-199',
    '200-999', '1000+'; 'unknown' when the count is null. -#}
{% macro company_size_band(column) -%}
    {%- set edges = validated_var('pql_company_size_bands') -%}
    case
        when {{ column }} is null then 'unknown'
        {%- for edge in edges %}
            when {{ column }} < {{ edge }} then '{{ 1 if loop.first else edges[loop.index0 - 1] }}-{{ edge - 1 }}'
        {%- endfor %}
        else '{{ edges[-1] }}+'
    end
{%- endmacro %}
