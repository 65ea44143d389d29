{#- Sort key for choosing one PQL/PQA state among several definitions: the state that matters
    most to sales first (qualified, then not_qualified, then converted, then not_eligible). -#}
{% macro status_priority(status_column) -%}
    case {{ status_column }}
        when 'qualified' then 1
        when 'not_qualified' then 2
        when 'converted' then 3
        else 4
    end
{%- endmacro %}
