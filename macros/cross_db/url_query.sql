{#- The query string of a page URL as sent, without the "?" and without the fragment:
    "https://app.acme.com/pricing?plan=team#faq" -> "plan=team". Null when the URL has no
    query or an empty one. Not decoded, not reordered: it is kept for analysis, not matched.
    The regex runs only on URLs that contain a "?". -#}
{% macro url_query(url) -%}
    nullif(case when {{ url }} like '%?%' then {{ adapter.dispatch('url_query', 'pql')(url) }} end, '')
{%- endmacro %}

{#- Portable: drop the fragment, then everything up to the first "?" (all of it when there is
    none). Anchored patterns, no back-references. -#}
{% macro default__url_query(url) -%}
    regexp_replace(regexp_replace({{ url }}, '#.*$', ''), '^[^?]*([?]|$)', '')
{%- endmacro %}

{% macro duckdb__url_query(url) -%}
    regexp_extract({{ url }}, '^[^?#]*[?]([^#]*)', 1)
{%- endmacro %}

{% macro snowflake__url_query(url) -%}
    regexp_substr({{ url }}, '^[^?#]*[?]([^#]*)', 1, 1, 'e', 1)
{%- endmacro %}

{% macro bigquery__url_query(url) -%}
    regexp_extract({{ url }}, '^[^?#]*[?]([^#]*)')
{%- endmacro %}

{% macro spark__url_query(url) -%}
    regexp_extract({{ url }}, '^[^?#]*[?]([^#]*)', 1)
{%- endmacro %}

{% macro databricks__url_query(url) -%}
    {{ return(spark__url_query(url)) }}
{%- endmacro %}
