{#- The host of a page URL, normalised so one site has one spelling: lower case, without the
    scheme, user info, port, a leading "www." or a trailing dot.
    "https://WWW.Acme.com:8443/pricing?x=1" -> "acme.com"; "https://app.acme.com/pricing" ->
    "app.acme.com". A URL without a scheme ("/pricing", "acme.com/pricing") has no host: null.
    Only the authority's extraction is dispatched (url_authority); the rest is shared, so every
    warehouse gives the same host. Cheap on a big stream: one regex call per URL; user info,
    port and trailing dot are stripped only when the authority has an "@", ":" or a final ".". -#}
{% macro url_host(url) -%}
    {{ url_host_from_authority(url_authority('lower(' ~ url ~ ')')) }}
{%- endmacro %}

{#- The normalised host from a lower-cased authority ("user@www.acme.com.:8443" -> acme.com). -#}
{% macro url_host_from_authority(authority) -%}
    {%- set host -%}
        (case
            when {{ authority }} like '%@%' or {{ authority }} like '%:%' or {{ authority }} like '%.'
                then regexp_replace(
                    regexp_replace(regexp_replace({{ authority }}, '^.*@', ''), ':.*$', ''), '[.]$', ''
                )
            else {{ authority }}
        end)
    {%- endset -%}
    nullif(case when {{ host }} like 'www.%' then substring({{ host }}, 5) else {{ host }} end, '')
{%- endmacro %}

{#- The authority of a URL: what follows "scheme://" up to the first "/", "?" or "#"; '' or null
    when the URL has no scheme. -#}
{%- macro url_authority(url) -%}
    {{ return(adapter.dispatch('url_authority', 'pql')(url)) }}
{%- endmacro %}

{#- Portable: regexp_replace only (every warehouse has it), anchored patterns so replacing the
    first match and replacing all give the same text, and no back-references. -#}
{% macro default__url_authority(url) -%}
    {%- set scheme = "'^[A-Za-z][A-Za-z0-9+.-]*://'" -%}
    case
        when regexp_replace({{ url }}, {{ scheme }}, '') <> {{ url }}
            then regexp_replace(regexp_replace({{ url }}, {{ scheme }}, ''), '[/?#].*$', '')
    end
{%- endmacro %}

{% macro duckdb__url_authority(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)', 1)
{%- endmacro %}

{% macro snowflake__url_authority(url) -%}
    regexp_substr({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)', 1, 1, 'e', 1)
{%- endmacro %}

{% macro bigquery__url_authority(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)')
{%- endmacro %}

{% macro spark__url_authority(url) -%}
    regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)', 1)
{%- endmacro %}

{% macro databricks__url_authority(url) -%}
    {{ return(spark__url_authority(url)) }}
{%- endmacro %}
