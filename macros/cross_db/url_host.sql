{#- The host of a page URL, normalised so one site has one spelling: lower case, without the
    scheme, user info, port, a leading "www." or a trailing dot.
    "https://WWW.Acme.com:8443/pricing?x=1" -> "acme.com"; "https://app.acme.com/pricing" ->
    "app.acme.com". A URL without a scheme ("/pricing", "acme.com/pricing") has no host: null.
    The extraction is dispatched (one regex call where the warehouse has a capture-group
    extractor); the normalisation is shared, so every warehouse gives the same host. -#}
{% macro url_host(url) -%}
    {{ normalize_url_host(url_host_as_written(url)) }}
{%- endmacro %}

{#- Lower case, no leading "www.", no trailing dot; empty text becomes null. -#}
{% macro normalize_url_host(host) -%}
    nullif(regexp_replace(regexp_replace(lower({{ host }}), '^www[.]', ''), '[.]$', ''), '')
{%- endmacro %}

{#- The authority's host exactly as written (any case, "www." kept), '' or null when none. -#}
{%- macro url_host_as_written(url) -%}
    {{ return(adapter.dispatch('url_host_as_written', 'pql')(url)) }}
{%- endmacro %}

{#- Portable: regexp_replace only (every warehouse has it), anchored patterns so replacing the
    first match and replacing all give the same text, and no back-references. -#}
{% macro default__url_host_as_written(url) -%}
    {%- set scheme = "'^[A-Za-z][A-Za-z0-9+.-]*://'" -%}
    case
        when regexp_replace({{ url }}, {{ scheme }}, '') <> {{ url }}
            then regexp_replace(
                regexp_replace(
                    regexp_replace(regexp_replace({{ url }}, {{ scheme }}, ''), '[/?#].*$', ''),
                    '^.*@', ''
                ),
                ':.*$', ''
            )
    end
{%- endmacro %}

{% macro duckdb__url_host_as_written(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*@)?([^/?#:]*)', 2)
{%- endmacro %}

{% macro snowflake__url_host_as_written(url) -%}
    regexp_substr({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*@)?([^/?#:]*)', 1, 1, 'e', 2)
{%- endmacro %}

{#- BigQuery's extractor allows one capturing group: the user info group does not capture. -#}
{% macro bigquery__url_host_as_written(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)')
{%- endmacro %}

{% macro spark__url_host_as_written(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*@)?([^/?#:]*)', 2)
{%- endmacro %}

{% macro databricks__url_host_as_written(url) -%}
    {{ return(spark__url_host_as_written(url)) }}
{%- endmacro %}
