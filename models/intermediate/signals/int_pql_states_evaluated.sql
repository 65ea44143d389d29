{#- The threshold engine's output: the state history, assembled at every date the score or
    the status of an entity changes, up to the as-of date (the last day any clean event was
    loaded; later changes, such as a window closing tomorrow, are not history yet). A row is
    kept only where something visible changed (status, score, tier, fit or reasons).

    The statuses come from the anti-flapping rule: the Python model int_pql_statuses_debounced
    where the warehouse runs Python models, else its SQL twin int_pql_statuses_debounced_sql. -#}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

score_changes as (
    select * from {{ ref('int_pql_score_changes') }}
),

statuses as (
    {% if pql_python_models_supported() -%}
        select * from {{ ref('int_pql_statuses_debounced') }}
    {%- else -%}
        select * from {{ ref('int_pql_statuses_debounced_sql') }}
    {%- endif %}
),

reasons as (
    select * from {{ ref('int_pql_signal_reasons') }}
),

tiers as (
    select * from {{ ref('pql_tiers') }}
),

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

as_of as (
    select cast(max(resolved_received_at) as date) as as_of_date
    from events
),

definitions as (
    select distinct
        definition_id,
        definition_version,
        entity,
        motion,
        score_threshold
    from config
),

tier_bands as (
    select
        tier,
        cast(min_score as {{ dbt.type_numeric() }}) as min_score,
        lead(cast(min_score as {{ dbt.type_numeric() }})) over (
            order by cast(min_score as {{ dbt.type_numeric() }})
        ) as next_min_score
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
    where all_changes.change_date <= as_of.as_of_date
),

-- for every boundary, the latest status, score and reasons dates at or before it
dated as (
    select
        boundaries.definition_id,
        boundaries.entity_id,
        boundaries.change_date,
        max(statuses.change_date) over (
            partition by boundaries.definition_id, boundaries.entity_id
            order by boundaries.change_date
            rows between unbounded preceding and current row
        ) as status_date,
        max(score_changes.change_date) over (
            partition by boundaries.definition_id, boundaries.entity_id
            order by boundaries.change_date
            rows between unbounded preceding and current row
        ) as score_date,
        max(reasons.change_date) over (
            partition by boundaries.definition_id, boundaries.entity_id
            order by boundaries.change_date
            rows between unbounded preceding and current row
        ) as reasons_date
    from boundaries
    left join statuses
        on
            boundaries.definition_id = statuses.definition_id
            and boundaries.entity_id = statuses.entity_id
            and boundaries.change_date = statuses.change_date
    left join score_changes
        on
            boundaries.definition_id = score_changes.definition_id
            and boundaries.entity_id = score_changes.entity_id
            and boundaries.change_date = score_changes.change_date
    left join reasons
        on
            boundaries.definition_id = reasons.definition_id
            and boundaries.entity_id = reasons.entity_id
            and boundaries.change_date = reasons.change_date
),

assembled as (
    select
        dated.definition_id,
        definitions.definition_version,
        definitions.entity,
        definitions.motion,
        dated.entity_id,
        dated.change_date as valid_from,
        statuses.status,
        score_changes.behaviour_score as score,
        definitions.score_threshold,
        score_changes.fit_score,
        score_changes.fit_reasons,
        tier_bands.tier,
        coalesce(reasons.reasons, '') as reasons,
        coalesce(reasons.signals_fired, '') as signals_fired,
        coalesce(reasons.signals_fired_count, 0) as signals_fired_count
    from dated
    inner join definitions
        on dated.definition_id = definitions.definition_id
    left join statuses
        on
            dated.definition_id = statuses.definition_id
            and dated.entity_id = statuses.entity_id
            and dated.status_date = statuses.change_date
    left join score_changes
        on
            dated.definition_id = score_changes.definition_id
            and dated.entity_id = score_changes.entity_id
            and dated.score_date = score_changes.change_date
    left join reasons
        on
            dated.definition_id = reasons.definition_id
            and dated.entity_id = reasons.entity_id
            and dated.reasons_date = reasons.change_date
    left join tier_bands
        on
            score_changes.behaviour_score >= tier_bands.min_score
            and (
                tier_bands.next_min_score is null
                or score_changes.behaviour_score < tier_bands.next_min_score
            )
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
    from assembled
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
        signals_fired_count
    from changed
)

select * from final
