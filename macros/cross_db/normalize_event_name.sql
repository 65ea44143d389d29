{#- snake_case an event name as sent: " Project  Created " / "ProjectCreated" / "project-created"
    all become project_created. CamelCase boundaries split first, then every run of
    non-alphanumerics becomes one underscore, and leading/trailing underscores go. -#}
{% macro normalize_event_name(column) -%}
    {{ return(adapter.dispatch('normalize_event_name', 'pql')(column)) }}
{%- endmacro %}

{% macro default__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(trim({{ column }}), '([a-z0-9])([A-Z])', '\\1_\\2')),
                '[^a-z0-9]+', '_'
            ),
            '^_+|_+$', ''
        ),
        ''
    )
{%- endmacro %}

{% macro duckdb__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(trim({{ column }}), '([a-z0-9])([A-Z])', '\1_\2', 'g')),
                '[^a-z0-9]+', '_', 'g'
            ),
            '^_+|_+$', '', 'g'
        ),
        ''
    )
{%- endmacro %}

{% macro postgres__normalize_event_name(column) -%}
    {{ return(duckdb__normalize_event_name(column)) }}
{%- endmacro %}
