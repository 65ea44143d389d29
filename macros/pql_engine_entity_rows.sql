{#- Two CTEs of an incremental engine model that recomputes whole entities (a definition_id
    and entity_id): `name`, the rows of `upstream` (an engine model with those keys and
    last_resolved_received_at) of the entities this run recomputes, and entity_watermarks, the
    latest load behind each of them (the watermark the model stores on their rows). On a
    rebuild (pql_engine_rebuilds) every entity; otherwise the entities with an upstream row
    recomputed since this model's watermark (less pql_lookback_days), plus those listed by the
    CTE `also_touched` (definition_id, entity_id) when given. Ends with a comma. -#}
{% macro pql_engine_entity_rows(name, upstream, rebuild, also_touched=none) -%}
    {%- if rebuild %}
    {{ name }} as (
        select * from {{ upstream }}
    ),
    {%- else %}
    touched_entities as (
        select distinct
            definition_id,
            entity_id
        from {{ upstream }}
        where last_resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
        {%- if also_touched %}
        union distinct
        select
            definition_id,
            entity_id
        from {{ also_touched }}
        {%- endif %}
    ),

    {{ name }} as (
        {{ pql_engine_touched_rows(upstream) }}
    ),
    {%- endif %}

    entity_watermarks as (
        select
            definition_id,
            entity_id,
            max(last_resolved_received_at) as last_resolved_received_at
        from {{ name }}
        group by definition_id, entity_id
    ),
{%- endmacro %}
