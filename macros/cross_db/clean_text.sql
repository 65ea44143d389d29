{#- Trimmed text, with empty strings turned into null. Trims every kind of surrounding
    whitespace a CDP or a spreadsheet leaves behind, not only spaces: tab, newline, carriage
    return, vertical tab, form feed, no-break space (U+00A0) and the byte-order mark (U+FEFF).
    Each adapter spells "trim these characters" its own way. -#}
{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'pql')(column)) }}
{%- endmacro %}

{% macro default__clean_text(column) -%}
    nullif(trim({{ column }}, {{ whitespace_characters() }}), '')
{%- endmacro %}

{% macro postgres__clean_text(column) -%}
    nullif(btrim({{ column }}, {{ whitespace_characters() }}), '')
{%- endmacro %}

{% macro spark__clean_text(column) -%}
    nullif(trim(both {{ whitespace_characters() }} from {{ column }}), '')
{%- endmacro %}
