{#- The normalised domain of an email address (see normalize_domain: case, whitespace, trailing
    dot, plausibility); null when the text has no "@" or the domain is not plausible. -#}
{% macro email_domain(column) -%}
    case
        when {{ dbt.position("'@'", column) }} > 0
            then {{ normalize_domain(dbt.split_part(column, "'@'", 2)) }}
    end
{%- endmacro %}
