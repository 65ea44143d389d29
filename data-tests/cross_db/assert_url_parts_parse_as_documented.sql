-- url_host and url_query give the documented parts on this warehouse, and the warehouse's own
-- extraction agrees with the portable default (regexp_replace only) on every case, so a page
-- has the same host on every adapter. Returns the cases that disagree.
{% set cases = [
    ["https://www.PQL-Demo.io/pricing?utm_source=google&utm_medium=cpc", "pql-demo.io", "utm_source=google&utm_medium=cpc"],
    ["https://app.pql-demo.io/pricing", "app.pql-demo.io", none],
    ["http://user:pw@Staging.Acme.com.:8443/x?a=1#top?b=2", "staging.acme.com", "a=1"],
    ["https://docs.acme.com/docs#a?b", "docs.acme.com", none],
    ["https://acme.com?", "acme.com", none],
    ["https://acme.com", "acme.com", none],
    ["HTTPS://WWW.ACME.COM:443", "acme.com", none],
    ["https://www2.acme.com/a/b?c=d&e=f", "www2.acme.com", "c=d&e=f"],
    ["https://wwwacme.com/", "wwwacme.com", none],
    ["/pricing?plan=team", none, "plan=team"],
    ["acme.com/pricing", none, none],
    ["/app/next?to=https://x.io/y", none, "to=https://x.io/y"],
    ["file:///tmp/x.html", none, none],
    ["https://acme.com./x", "acme.com", none],
    ["https://bot@www.acme.com/x?", "acme.com", none],
    ["https://app.acme.com:8443", "app.acme.com", none],
] -%}

with

cases as (
    {% for url, host, query in cases %}
        select
            '{{ url }}' as page_url,
            {{ "'" ~ host ~ "'" if host else dbt.cast('null', dbt.type_string()) }} as expected_host,
            {{ "'" ~ query ~ "'" if query else dbt.cast('null', dbt.type_string()) }} as expected_query
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

parsed as (
    select
        page_url,
        expected_host,
        expected_query,
        {{ url_host('page_url') }} as page_host,
        {{ url_host_from_authority(default__url_authority('lower(page_url)')) }} as portable_page_host,
        {{ url_query('page_url') }} as page_query,
        nullif(
            case when page_url like '%?%' then {{ default__url_query('page_url') }} end, ''
        ) as portable_page_query
    from cases
),

{%- set checks = [
    ('page_host', 'expected_host'),
    ('portable_page_host', 'expected_host'),
    ('page_query', 'expected_query'),
    ('portable_page_query', 'expected_query'),
] %}

final as (
    select *
    from parsed
    where
        {% for actual, expected in checks -%}
            {% if not loop.first %}or {% endif -%}
            not (
                coalesce({{ actual }} = {{ expected }}, false)
                or ({{ actual }} is null and {{ expected }} is null)
            )
        {% endfor %}
)

select * from final
