{#- Normalise a website or email domain for matching, or null when what is left is not a
    plausible domain. Lower case, surrounding whitespace of every kind trimmed (clean_text), no
    scheme, no "www.", no path, port or query, no trailing dot (the DNS root: "gmail.com." is
    gmail.com). "https://www.Acme.com/about" -> "acme.com".
    Plausible means dot-separated labels of letters (any script), digits, "-" and "_", at
    least two of them, the last starting with a letter: "42", "localhost", "1.2", a JSON
    fragment or text with spaces never form an account or match one.
    No back-references and only anchored patterns, so the same SQL runs on every warehouse
    (regexp_replace replaces the first match on some engines and all on others). -#}
{% macro normalize_domain(column) -%}
    {%- set stripped -%}
        regexp_replace(
            regexp_replace(
                regexp_replace(lower({{ clean_text(column) }}), '^(https?://)?(www[.])?', ''),
                '[/:?#].*$', ''
            ),
            '[.]+$', ''
        )
    {%- endset -%}
    {#- A label character: ASCII letter, digit, "-" or "_", or any character above U+00A0
        (letters of other scripts; no-break space and BOM are trimmed first). -#}
    {%- set non_ascii = "%c-%c" | format(161, 65535) -%}
    {%- set label = "[a-z0-9_" ~ non_ascii ~ "-]" -%}
    case
        when regexp_replace(
            {{ stripped }},
            '^({{ label }}+[.])+[a-z{{ non_ascii }}]{{ label }}*$', ''
        ) = ''
            then nullif({{ stripped }}, '')
    end
{%- endmacro %}
