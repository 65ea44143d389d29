{#- The current PQL/PQA state of every entity per definition: the open row of the state
    history, with when its current qualification started, its first qualification and how many
    times it qualified. Read by dim_pql_leads, dim_pqa_accounts, dim_pqa_expansion_accounts and
    int_crm_sync_records.

    Incremental per entity (macro pql_engine_tail_rows): recomputed when its state history was
    rebuilt since the watermark, its fit or payment start changed, or a state of its history
    started in the days since the last run; every other entity keeps its row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset(current_from='int_pql_states_evaluated') }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set rebuild = pql_engine_rebuilds(current_from='int_pql_states_evaluated') %}
with

{{ pql_engine_tail_rows(
    'history',
    ref('int_pql_states_evaluated'),
    rebuild,
    due=[[ref('int_pql_states_evaluated'), 'valid_from']],
    due_until_as_of=false,
) }}

qualification_starts as (
    select
        definition_id,
        entity_id,
        max(valid_from) as qualified_at,
        min(valid_from) as first_qualified_at,
        count(*) as times_qualified
    from history
    where change_type = 'qualified'
    group by definition_id, entity_id
),

current_state as (
    select * from history
    where valid_to is null
),

final as (
    select
        current_state.definition_id,
        current_state.definition_version,
        current_state.entity,
        current_state.motion,
        current_state.entity_id,
        current_state.status,
        current_state.status = 'qualified' as is_qualified,
        current_state.score,
        current_state.score_threshold,
        current_state.tier,
        current_state.fit_score,
        current_state.fit_reasons,
        current_state.reasons,
        current_state.signals_fired,
        current_state.signals_fired_count,
        current_state.hold_ends_on,
        case
            when current_state.status = 'qualified' then qualification_starts.qualified_at
        end as qualified_at,
        qualification_starts.first_qualified_at,
        coalesce(qualification_starts.times_qualified, 0) as times_qualified,
        current_state.valid_from as state_changed_at,
        current_state.last_resolved_received_at,
        current_state.paying_since_date,
        current_state.config_hash
    from current_state
    left join qualification_starts
        on
            current_state.definition_id = qualification_starts.definition_id
            and current_state.entity_id = qualification_starts.entity_id
)

select * from final
