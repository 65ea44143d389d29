{#- Seed post-hook: dbt reads a seed CSV through agate on every adapter but DuckDB (which loads
    the file itself), and agate reads the text `null` (and an empty field) as NULL. For a text
    seed column where NULL is not a valid value (placeholder_identity_values.identity_value,
    whose first placeholder is the text `null`), this puts the text back. Returns no SQL on
    DuckDB, nor on dbt-spark: there pql's spark__load_csv_rows reads the file with Spark's CSV
    reader (session method), and a Spark table that is not Delta cannot be updated. -#}
{% macro seed_null_text_restored(column) -%}
    {%- if target.type not in ['duckdb', 'spark'] -%}
        update {{ this }} set {{ adapter.quote(column) }} = 'null' where {{ adapter.quote(column) }} is null
    {%- endif -%}
{%- endmacro %}
