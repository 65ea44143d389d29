{#- Seed post-hook: dbt reads a seed CSV through agate on every adapter but DuckDB (which loads
    the file itself), and agate reads the text `null` (and an empty field) as NULL. For a text
    seed column where NULL is not a valid value (placeholder_identity_values.identity_value,
    whose first placeholder is the text `null`), this puts the text back. Returns no SQL on
    DuckDB. -#}
{% macro seed_null_text_restored(column) -%}
    {%- if target.type != 'duckdb' -%}
        update {{ this }} set {{ adapter.quote(column) }} = 'null' where {{ adapter.quote(column) }} is null
    {%- endif -%}
{%- endmacro %}
