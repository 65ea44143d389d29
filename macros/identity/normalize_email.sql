{#- An email address as staging keeps it: lower case, surrounding whitespace of every kind
    trimmed, no trailing dot ("X@Gmail.com." -> x@gmail.com), and null when empty or a
    placeholder identity value (identity_value: test@test.com, user@example.com, null, ...). -#}
{% macro normalize_email(column) -%}
    {{ identity_value("regexp_replace(lower(" ~ clean_text(column) ~ "), '[.]+$', '')") }}
{%- endmacro %}
