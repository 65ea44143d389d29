{#- Consecutive score changes of an entity with the same raw qualification, collapsed into runs
    [run_start, run_end), numbered per definition and entity, with the definition's
    anti-flapping settings: the compact input of the sequential anti-flapping rule.

    Incremental per entity (macro pql_engine_tail_rows): an entity is recomputed whole when its
    score changes were recomputed since the watermark or its fit or payment start changed;
    every other entity keeps its rows. A changed configuration (config_hash) rebuilds every
    row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset() }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set rebuild = pql_engine_rebuilds() %}
with

{{ pql_engine_tail_rows('score_changes', ref('int_pql_score_changes'), rebuild) }}

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

definitions as (
    select distinct
        definition_id,
        motion,
        min_days_before_demotion,
        cooldown_days
    from config
),

marked as (
    select
        definition_id,
        entity_id,
        change_date,
        raw_state,
        last_resolved_received_at,
        fit_score,
        fit_reasons,
        paying_since_date,
        config_hash,
        case
            when raw_state = lag(raw_state) over (
                partition by definition_id, entity_id
                order by change_date
            ) then 0
            else 1
        end as starts_run
    from score_changes
),

runs as (
    select
        definition_id,
        entity_id,
        change_date as run_start,
        raw_state,
        lead(change_date) over (
            partition by definition_id, entity_id
            order by change_date
        ) as run_end,
        row_number() over (
            partition by definition_id, entity_id
            order by change_date
        ) as run_number,
        last_resolved_received_at,
        fit_score,
        fit_reasons,
        paying_since_date,
        config_hash
    from marked
    where starts_run = 1
),

final as (
    select
        runs.definition_id,
        runs.entity_id,
        runs.run_number,
        runs.run_start,
        runs.run_end,
        runs.raw_state,
        definitions.motion,
        definitions.min_days_before_demotion,
        definitions.cooldown_days,
        runs.last_resolved_received_at,
        runs.fit_score,
        runs.fit_reasons,
        runs.paying_since_date,
        runs.config_hash
    from runs
    inner join definitions
        on runs.definition_id = definitions.definition_id
)

select * from final
