{#- The normalised domain of an email address; null when the text has no "@". -#}
{% macro email_domain(column) -%}
    case
        when {{ dbt.position("'@'", column) }} > 0
            then {{ normalize_domain(dbt.split_part(column, "'@'", 2)) }}
    end
{%- endmacro %}
