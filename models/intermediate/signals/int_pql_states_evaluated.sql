{#- The threshold engine's output: the state history, assembled at every date the score or
    the status of an entity changes, up to the as-of date (the last day any clean event was
    loaded; later changes, such as a window closing tomorrow, are not history yet). A row is
    kept only where something visible changed (status, score, tier, fit or reasons).

    A qualified entity that no longer qualifies but is kept qualified by the anti-flapping rule
    (min_days_before_demotion) says so first in its reasons, with hold_ends_on: the day it is
    demoted unless it qualifies again ("Score 45 is below 60; kept qualified by the
    anti-flapping hold, demoted on 2026-07-02 unless it qualifies again").

    The statuses come from the anti-flapping rule: the Python model int_pql_statuses_debounced
    where the warehouse runs Python models, else its SQL twin int_pql_statuses_debounced_sql.

    Incremental per entity (macro pql_engine_tail_rows): an entity's history is rebuilt whole
    when its score changes were recomputed since the watermark, its fit or payment start
    changed, or one of its score or status changes fell due in the days since the last run (a
    window closing, a hold or a cooldown ending: dated in the future then, history now); every
    other entity keeps its rows. A changed configuration or tier seed (config_hash) rebuilds
    every row. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['definition_id', 'entity_id'],
        on_schema_change='fail',
        pre_hook="{{ pql_engine_config_reset(with_tiers=true) }}",
        meta={'test_window_column': 'last_resolved_received_at'},
    )
}}
{%- set rebuild = pql_engine_rebuilds(with_tiers=true) %}
{%- set statuses_model -%}
    {%- if pql_python_models_supported() -%}
        {{ ref('int_pql_statuses_debounced') }}
    {%- else -%}
        {{ ref('int_pql_statuses_debounced_sql') }}
    {%- endif -%}
{%- endset %}
{#- The end of an open span: a plain range condition keeps the joins below range joins. -#}
{%- set open_end = "cast('9999-12-31' as date)" -%}
{#- The score and the threshold as text without decimals, as the reasons show numbers. -#}
{%- set as_whole = ' as ' ~ dbt.type_bigint() ~ ') as ' ~ dbt.type_string() ~ ')' -%}
{%- set score_text = 'cast(cast(round(score)' ~ as_whole -%}
{%- set threshold_text = 'cast(cast(round(score_threshold)' ~ as_whole -%}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

{{ pql_engine_tail_rows(
    'score_changes',
    ref('int_pql_score_changes'),
    rebuild,
    due=[[ref('int_pql_score_changes'), 'change_date'], [statuses_model, 'change_date']],
) }}

statuses as (
    {{ pql_engine_touched_rows(statuses_model, rebuild) }}
),

reasons as (
    {{ pql_engine_touched_rows(ref('int_pql_signal_reasons'), rebuild) }}
),

-- what the entity's rows carry from its score changes (the same on each of them)
entity_inputs as (
    select distinct
        definition_id,
        entity_id,
        last_resolved_received_at,
        paying_since_date
    from score_changes
),

config_version as (
    {{ pql_engine_config_hash_query(with_tiers=true) }}
),

tiers as (
    select * from {{ ref('pql_tiers') }}
),

as_of as (
    {{ stream_as_of_date() }}
),

definitions as (
    select distinct
        definition_id,
        definition_version,
        entity,
        motion,
        score_threshold,
        min_days_before_demotion
    from config
),

tier_bands as (
    select
        tier,
        cast(min_score as {{ type_double() }}) as min_score,
        lead(cast(min_score as {{ type_double() }})) over (
            order by cast(min_score as {{ type_double() }})
        ) as next_min_score,
        -- the lowest band (min_score 0) also holds scores that negative weights took below 0
        row_number() over (order by cast(min_score as {{ type_double() }})) = 1 as is_lowest
    from tiers
),

boundaries as (
    select
        all_changes.definition_id,
        all_changes.entity_id,
        all_changes.change_date
    from (
        select
            definition_id,
            entity_id,
            change_date
        from score_changes
        union distinct
        select
            definition_id,
            entity_id,
            change_date
        from statuses
    ) as all_changes
    cross join as_of
    where all_changes.change_date <= as_of.data_as_of_date
),

-- status, score and reasons as spans [change_date, next_change_date), so each boundary finds
-- the one holding it with a range join
status_spans as (
    select
        *,
        lead(change_date) over (
            partition by definition_id, entity_id
            order by change_date
        ) as next_change_date
    from statuses
),

score_spans as (
    select
        *,
        lead(change_date) over (
            partition by definition_id, entity_id
            order by change_date
        ) as next_change_date
    from score_changes
),

reason_spans as (
    select
        *,
        lead(change_date) over (
            partition by definition_id, entity_id
            order by change_date
        ) as next_change_date
    from reasons
),

assembled as (
    select
        boundaries.definition_id,
        definitions.definition_version,
        definitions.entity,
        definitions.motion,
        boundaries.entity_id,
        boundaries.change_date as valid_from,
        status_spans.status,
        score_spans.behaviour_score as score,
        definitions.score_threshold,
        score_spans.fit_score,
        score_spans.fit_reasons,
        tier_bands.tier,
        coalesce(reason_spans.reasons, '') as reasons,
        coalesce(reason_spans.signals_fired, '') as signals_fired,
        coalesce(reason_spans.signals_fired_count, 0) as signals_fired_count,
        -- qualified, yet the raw qualification says no: held by the anti-flapping rule until
        -- min_days_before_demotion days after it qualified
        case
            when status_spans.status = 'qualified' and score_spans.raw_state = 'does_not_qualify'
                then cast({{ dbt.dateadd(
                    'day', 'definitions.min_days_before_demotion', 'status_spans.change_date'
                ) }} as date)
        end as hold_ends_on,
        entity_inputs.last_resolved_received_at,
        entity_inputs.paying_since_date,
        config_version.config_hash
    from boundaries
    cross join config_version
    inner join definitions
        on boundaries.definition_id = definitions.definition_id
    inner join entity_inputs
        on
            boundaries.definition_id = entity_inputs.definition_id
            and boundaries.entity_id = entity_inputs.entity_id
    left join status_spans
        on
            boundaries.definition_id = status_spans.definition_id
            and boundaries.entity_id = status_spans.entity_id
            and boundaries.change_date >= status_spans.change_date
            and boundaries.change_date < coalesce(status_spans.next_change_date, {{ open_end }})
    left join score_spans
        on
            boundaries.definition_id = score_spans.definition_id
            and boundaries.entity_id = score_spans.entity_id
            and boundaries.change_date >= score_spans.change_date
            and boundaries.change_date < coalesce(score_spans.next_change_date, {{ open_end }})
    left join reason_spans
        on
            boundaries.definition_id = reason_spans.definition_id
            and boundaries.entity_id = reason_spans.entity_id
            and boundaries.change_date >= reason_spans.change_date
            and boundaries.change_date < coalesce(reason_spans.next_change_date, {{ open_end }})
    left join tier_bands
        on
            (score_spans.behaviour_score >= tier_bands.min_score or tier_bands.is_lowest)
            and (
                tier_bands.next_min_score is null
                or score_spans.behaviour_score < tier_bands.next_min_score
            )
),

-- a held entity's reasons start with why it is still qualified
explained as (
    select
        definition_id,
        definition_version,
        entity,
        motion,
        entity_id,
        valid_from,
        status,
        score,
        score_threshold,
        fit_score,
        fit_reasons,
        tier,
        case
            when hold_ends_on is null then reasons
            else
                case
                    when score < score_threshold
                        then
                            'Score ' || {{ score_text }}
                            || ' is below ' || {{ threshold_text }}
                    else 'No longer meets the definition'
                end
                || '; kept qualified by the anti-flapping hold, demoted on '
                || cast(hold_ends_on as {{ dbt.type_string() }})
                || ' unless it qualifies again'
                || case when reasons = '' then '' else '; ' || reasons end
        end as reasons,
        signals_fired,
        signals_fired_count,
        hold_ends_on,
        last_resolved_received_at,
        paying_since_date,
        config_hash
    from assembled
),

compared as (
    select
        *,
        lag(status) over (
            partition by definition_id, entity_id order by valid_from
        ) as previous_status,
        lag(tier) over (
            partition by definition_id, entity_id order by valid_from
        ) as previous_tier,
        lag(score) over (
            partition by definition_id, entity_id order by valid_from
        ) as previous_score,
        lag(reasons) over (
            partition by definition_id, entity_id order by valid_from
        ) as previous_reasons,
        lag(fit_score) over (
            partition by definition_id, entity_id order by valid_from
        ) as previous_fit_score
    from explained
),

-- null-safe comparisons (is distinct from, spelt portably)
flagged as (
    select
        *,
        coalesce(
            status != previous_status, not (status is null and previous_status is null)
        ) as is_status_changed,
        coalesce(
            tier != previous_tier, not (tier is null and previous_tier is null)
        ) as is_tier_changed,
        coalesce(
            score != previous_score, not (score is null and previous_score is null)
        ) as is_score_changed,
        coalesce(
            reasons != previous_reasons, not (reasons is null and previous_reasons is null)
        ) as is_reasons_changed,
        coalesce(
            fit_score != previous_fit_score, not (fit_score is null and previous_fit_score is null)
        ) as is_fit_score_changed
    from compared
),

changed as (
    select * from flagged
    where
        previous_status is null
        or is_status_changed
        or is_tier_changed
        or is_score_changed
        or is_reasons_changed
        or is_fit_score_changed
),

final as (
    select
        definition_id || '|' || entity_id || '|' || cast(valid_from as {{ dbt.type_string() }})
            as state_id,
        definition_id,
        definition_version,
        entity,
        motion,
        entity_id,
        valid_from,
        lead(valid_from) over (
            partition by definition_id, entity_id order by valid_from
        ) as valid_to,
        status,
        case
            when previous_status is null and status = 'qualified' then 'qualified'
            when previous_status is null then 'first_seen'
            when is_status_changed and status = 'qualified' then 'qualified'
            when
                is_status_changed and previous_status = 'qualified'
                and status = 'not_qualified'
                then 'disqualified'
            when is_status_changed then status
            when is_tier_changed then 'tier_changed'
            else 'score_changed'
        end as change_type,
        score,
        score_threshold,
        tier,
        fit_score,
        fit_reasons,
        reasons,
        signals_fired,
        signals_fired_count,
        hold_ends_on,
        last_resolved_received_at,
        paying_since_date,
        config_hash
    from changed
)

select * from final
