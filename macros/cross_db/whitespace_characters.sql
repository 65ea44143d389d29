{#- The characters clean_text trims, as one SQL string literal holding them literally: space,
    tab, newline, vertical tab, form feed, carriage return, no-break space (U+00A0) and the
    byte-order mark (U+FEFF). Built from code points, so the macro file holds no invisible
    characters. -#}
{% macro whitespace_characters() -%}
    '{{ "%c%c%c%c%c%c%c%c" | format(32, 9, 10, 11, 12, 13, 160, 65279) }}'
{%- endmacro %}
