{#- Text to boolean: 'true', 't', 'yes', '1' are true and 'false', 'f', 'no', '0' false, in any
    case and with surrounding spaces; anything else (and null) is null, never an error. -#}
{% macro parse_boolean(column) -%}
    case lower(trim({{ column }}))
        when 'true' then true
        when 't' then true
        when 'yes' then true
        when '1' then true
        when 'false' then false
        when 'f' then false
        when 'no' then false
        when '0' then false
    end
{%- endmacro %}
