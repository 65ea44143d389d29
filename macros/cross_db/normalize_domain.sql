{#- Normalise a website or email domain for matching: lower case, no scheme, no "www.", no path,
    port or query. "https://www.Acme.com/about" -> "acme.com". Empty text becomes null.
    No back-references, so the same SQL runs on every warehouse. -#}
{% macro normalize_domain(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(lower(trim({{ column }})), '^(https?://)?(www[.])?', ''),
            '[/:?#].*$', ''
        ),
        ''
    )
{%- endmacro %}
