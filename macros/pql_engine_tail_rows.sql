{#- Two CTEs of an incremental model of the engine's tail, which recomputes whole entities (a
    definition_id and entity_id): `name`, the rows of `upstream` (a relation with those keys and
    the columns of pql_engine_tail_inputs) of the entities this run recomputes, and
    touched_entities, those entities (only when not rebuilding). On a rebuild
    (pql_engine_rebuilds) every entity; otherwise the entities
    - with an upstream row recomputed since this model's watermark (less pql_lookback_days),
    - whose inputs (pql_engine_tail_inputs) differ from the ones stored on this model's rows,
      or that have no stored row (null-safe comparison);
    - with a date of `due` (a list of [relation, date column] with definition_id and
      entity_id) after the day of this model's watermark and up to the as-of date:
      a change that was still in the future at the last run (a window closing, a demotion at
      the end of an anti-flapping hold, a cooldown ending) and is history now, although no
      input changed (due_until_as_of false: `due` holds no date after the as-of date, so no
      bound is needed). The watermark (the latest load behind the stored rows) is never after
      the last run's as-of date (the latest load of the stream then), so no such date is
      skipped, however long ago the last run was; a date up to it was history already.
    Ends with a comma. -#}
{% macro pql_engine_tail_rows(name, upstream, rebuild, due=[], due_until_as_of=true) -%}
    {%- set inputs = pql_engine_tail_inputs() -%}
    {#- the stored watermark itself: incremental_since less its lookback -#}
    {%- set high_water = dbt.dateadd(
        'day', var('pql_lookback_days') | int, incremental_since('last_resolved_received_at')
    ) -%}
    {%- if rebuild %}
    {{ name }} as (
        select * from {{ upstream }}
    ),
    {%- else %}
    stored_inputs as (
        select distinct
            definition_id,
            entity_id,
            {{ inputs | join(',\n            ') }}
        from {{ this }}
    ),

    upstream_inputs as (
        select distinct
            definition_id,
            entity_id,
            {{ inputs | join(',\n            ') }}
        from {{ upstream }}
    ),

    touched_entities as (
        select
            definition_id,
            entity_id
        from upstream_inputs
        where last_resolved_received_at > {{ incremental_since('last_resolved_received_at') }}

        union distinct

        select
            upstream_inputs.definition_id,
            upstream_inputs.entity_id
        from upstream_inputs
        left join stored_inputs
            on
                upstream_inputs.definition_id = stored_inputs.definition_id
                and upstream_inputs.entity_id = stored_inputs.entity_id
        where
            stored_inputs.entity_id is null
            {%- for column in inputs %}
            or coalesce(
                upstream_inputs.{{ column }} != stored_inputs.{{ column }},
                not (upstream_inputs.{{ column }} is null and stored_inputs.{{ column }} is null)
            )
            {%- endfor %}
        {%- for relation, date_column in due %}

        union distinct

        select
            due_dates.definition_id,
            due_dates.entity_id
        from {{ relation }} as due_dates
        {%- if due_until_as_of %}
        cross join ({{ stream_as_of_date() }}) as as_of
        {%- endif %}
        where
            due_dates.{{ date_column }} > {{ dbt.cast(high_water, 'date') }}
            {%- if due_until_as_of %}
            and due_dates.{{ date_column }} <= as_of.data_as_of_date
            {%- endif %}
        {%- endfor %}
    ),

    {{ name }} as (
        {{ pql_engine_touched_rows(upstream) }}
    ),
    {%- endif %}
{%- endmacro %}
