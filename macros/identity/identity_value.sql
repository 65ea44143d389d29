{#- An identity value (user id, anonymous id, group id, email) as staging keeps it: trimmed of
    every kind of whitespace (clean_text), and null when it is empty or a placeholder listed in
    seeds/placeholder_identity_values.csv (`null`, `undefined`, `0`, `anonymous`,
    `test@test.com`, ...; compared case-insensitively after trimming). Browser SDKs send such
    strings by mistake; trusted, one of them would stitch thousands of people into one user or
    one account. As null they never stitch, link or form an account, and a row left with no
    identity at all is rejected downstream as missing_identity. -#}
{% macro identity_value(column) -%}
    {{ return(adapter.dispatch('identity_value', 'pql')(column)) }}
{%- endmacro %}

{% macro default__identity_value(column) -%}
    case
        when lower({{ clean_text(column) }}) not in (
            select lower(placeholders.identity_value)
            from {{ ref('placeholder_identity_values') }} as placeholders
            where placeholders.identity_value is not null
        )
            then {{ clean_text(column) }}
    end
{%- endmacro %}
