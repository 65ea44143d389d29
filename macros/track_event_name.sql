{#- A track's event name in the clean stream: normalize_event_name, kept out of the page-view
    namespace. Page views (raw pages) are the event page_viewed; a track whose name normalises
    to the same ("Page Viewed", "page-viewed") becomes track_page_viewed, so a page signal, a
    milestone or a usage window that counts page_viewed never counts a track. -#}
{% macro track_event_name(column) -%}
    case
        when {{ normalize_event_name(column) }} = 'page_viewed' then 'track_page_viewed'
        else {{ normalize_event_name(column) }}
    end
{%- endmacro %}
