{#- The SQL twin of int_pql_statuses_debounced (the anti-flapping rule in Python), for
    warehouses that cannot run Python models: a recursive walk over each entity's qualification
    runs carrying the status, the date it qualified and the end of its cooldown from run to run.
    Keep the two in step: on DuckDB both are built and a data test requires identical rows.

    Per run (w: the state after the previous run, r: this run):
    - ineligible: the ineligible status (converted / not_eligible) at once;
    - qualified and the run does not qualify: demoted on the later of the run start and
      qualified_since + min_days_before_demotion, if that is before the run ends; the cooldown
      then lasts cooldown_days; a disqualified run demotes on its start;
    - qualified otherwise: nothing changes;
    - the run qualifies: qualified on the later of its start and the cooldown end, if that is
      before the run ends (not_qualified until then);
    - otherwise not_qualified.

    Incremental per entity like its Python twin (macro pql_engine_tail_rows): an entity is
    walked again when its qualification runs were recomputed since the watermark or its fit or
    payment start changed; a changed configuration (config_hash) rebuilds every row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset(current_from='int_pql_qualification_runs') }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set rebuild = pql_engine_rebuilds(current_from='int_pql_qualification_runs') %}
{%- set string_type = dbt.type_string() -%}
{%- set int_type = dbt.type_int() -%}
{%- set demote_on -%}
    case
        when qualification_runs.raw_state = 'disqualified' then qualification_runs.run_start
        when cast({{ dbt.dateadd('day', 'qualification_runs.min_days_before_demotion', 'walk.qualified_since') }} as date)
            > qualification_runs.run_start
            then cast({{ dbt.dateadd('day', 'qualification_runs.min_days_before_demotion', 'walk.qualified_since') }} as date)
        else qualification_runs.run_start
    end
{%- endset -%}
{%- set qualify_on -%}
    case
        when walk.cooldown_until > qualification_runs.run_start then walk.cooldown_until
        else qualification_runs.run_start
    end
{%- endset -%}
{%- set step -%}
    case
        when qualification_runs.raw_state = 'ineligible' then 'ineligible'
        when
            walk.status = 'qualified'
            and qualification_runs.raw_state in ('does_not_qualify', 'disqualified')
            and (qualification_runs.run_end is null or {{ demote_on }} < qualification_runs.run_end)
            then 'demote'
        when walk.status = 'qualified' then 'hold'
        when
            qualification_runs.raw_state = 'qualifies'
            and (qualification_runs.run_end is null or {{ qualify_on }} < qualification_runs.run_end)
            then 'qualify'
        else 'not_qualified'
    end
{%- endset -%}
{%- set ineligible_status -%}
    case when qualification_runs.motion = 'new_business' then 'converted' else 'not_eligible' end
{%- endset -%}
with recursive

{{ pql_engine_tail_rows('qualification_runs', ref('int_pql_qualification_runs'), rebuild) }}

-- what the entity's rows carry from its runs (the same on each of its runs)
entity_inputs as (
    select distinct
        definition_id,
        entity_id,
        last_resolved_received_at,
        fit_score,
        fit_reasons,
        paying_since_date,
        config_hash
    from qualification_runs
),

walk (
    definition_id,
    entity_id,
    run_number,
    status,
    qualified_since,
    cooldown_until,
    waiting_date,
    change_date,
    changed_status
) as (
    select distinct
        definition_id,
        entity_id,
        cast(0 as {{ int_type }}),
        cast(null as {{ string_type }}),
        cast(null as date),
        cast(null as date),
        cast(null as date),
        cast(null as date),
        cast(null as {{ string_type }})
    from qualification_runs

    union all

    select
        walk.definition_id,
        walk.entity_id,
        cast(qualification_runs.run_number as {{ int_type }}),
        cast(case {{ step }}
            when 'ineligible' then {{ ineligible_status }}
            when 'demote' then 'not_qualified'
            when 'hold' then 'qualified'
            when 'qualify' then 'qualified'
            else 'not_qualified'
        end as {{ string_type }}),
        case {{ step }}
            when 'qualify' then {{ qualify_on }}
            when 'hold' then walk.qualified_since
        end,
        case {{ step }}
            when 'demote'
                then cast({{ dbt.dateadd('day', 'qualification_runs.cooldown_days', demote_on) }} as date)
            else walk.cooldown_until
        end,
        -- not_qualified while waiting for the cooldown to end
        case
            when
                {{ step }} = 'qualify'
                and {{ qualify_on }} > qualification_runs.run_start
                and coalesce(walk.status, '') != 'not_qualified'
                then qualification_runs.run_start
        end,
        case {{ step }}
            when 'ineligible' then qualification_runs.run_start
            when 'demote' then {{ demote_on }}
            when 'qualify' then {{ qualify_on }}
            when 'not_qualified' then qualification_runs.run_start
        end,
        cast(case {{ step }}
            when 'ineligible' then {{ ineligible_status }}
            when 'demote' then 'not_qualified'
            when 'qualify' then 'qualified'
            when 'not_qualified' then 'not_qualified'
        end as {{ string_type }})
    from walk
    inner join qualification_runs
        on
            walk.definition_id = qualification_runs.definition_id
            and walk.entity_id = qualification_runs.entity_id
            and qualification_runs.run_number = walk.run_number + 1
),

changes as (
    select
        definition_id,
        entity_id,
        waiting_date as change_date,
        'not_qualified' as status
    from walk
    where waiting_date is not null

    union all

    select
        walk.definition_id,
        walk.entity_id,
        walk.change_date,
        walk.changed_status as status
    from walk
    inner join walk as previous
        on
            walk.definition_id = previous.definition_id
            and walk.entity_id = previous.entity_id
            and walk.run_number = previous.run_number + 1
    -- a status already held is no change
    where
        walk.change_date is not null
        and (
            walk.waiting_date is not null
            or walk.changed_status != coalesce(previous.status, '')
        )
),

final as (
    select
        changes.definition_id,
        changes.entity_id,
        changes.change_date,
        cast(changes.status as {{ string_type }}) as status,
        entity_inputs.last_resolved_received_at,
        entity_inputs.fit_score,
        entity_inputs.fit_reasons,
        entity_inputs.paying_since_date,
        entity_inputs.config_hash
    from changes
    inner join entity_inputs
        on
            changes.definition_id = entity_inputs.definition_id
            and changes.entity_id = entity_inputs.entity_id
)

select * from final
