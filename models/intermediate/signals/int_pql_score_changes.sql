{#- Every date on which an entity's behaviour score, its count of required signals or
    disqualifiers firing, or its eligibility changes, with the raw qualification on that date
    before anti-flapping: ineligible (a new-business entity already paying, an expansion entity
    not paying), disqualified (a disqualifier signal fires), qualifies (score, required signals
    and fit all met) or does_not_qualify. A negative weight lowers the score.

    Incremental per entity: an entity is recomputed whole when one of its signal intervals was
    recomputed since the watermark, or when its fit (score or reasons) or the date it started
    paying differs from the stored one; every other entity keeps its rows. A changed
    configuration (config_hash) rebuilds every row. -#}
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

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

entities as (
    select * from {{ ref('int_pql_entities') }}
),

fit as (
    select * from {{ ref('int_pql_entity_fit') }}
),

definitions as (
    select distinct
        definition_id,
        entity,
        motion,
        score_threshold,
        required_signals,
        min_fit_score
    from config
),

{% if not rebuild %}
    stored_entities as (
        select distinct
            definition_id,
            entity_id,
            fit_score,
            fit_reasons,
            paying_since_date
        from {{ this }}
    ),

    -- entities whose fit or payment start changed since their rows were stored (null-safe)
    changed_attributes as (
        select
            stored_entities.definition_id,
            stored_entities.entity_id
        from stored_entities
        inner join definitions
            on stored_entities.definition_id = definitions.definition_id
        left join entities
            on
                definitions.entity = entities.entity
                and stored_entities.entity_id = entities.entity_id
        left join fit
            on
                definitions.entity = fit.entity
                and stored_entities.entity_id = fit.entity_id
        where
            stored_entities.fit_score != coalesce(fit.fit_score, 0)
            or coalesce(
                stored_entities.fit_reasons != fit.fit_reasons,
                not (stored_entities.fit_reasons is null and fit.fit_reasons is null)
            )
            or coalesce(
                stored_entities.paying_since_date != entities.paying_since_date,
                not (
                    stored_entities.paying_since_date is null
                    and entities.paying_since_date is null
                )
            )
    ),
{% endif %}

{{ pql_engine_entity_rows(
    'intervals', ref('int_pql_signal_intervals'), rebuild, also_touched='changed_attributes'
) }}

config_version as (
    {{ pql_engine_config_hash_query() }}
),

signal_weights as (
    select distinct
        definition_id,
        signal_id,
        weight,
        disqualifies,
        position('|' || signal_id || '|' in '|' || required_signals || '|') > 0 as is_required
    from config
),

required_counts as (
    select
        definition_id,
        sum(case when is_required then 1 else 0 end) as required_count
    from signal_weights
    group by definition_id
),

weighted as (
    select
        intervals.definition_id,
        intervals.entity_id,
        intervals.valid_from,
        intervals.valid_to,
        signal_weights.weight * intervals.factor as points,
        case when signal_weights.is_required and intervals.factor >= 1 then 1 else 0 end
            as required_firing,
        case when signal_weights.disqualifies and intervals.factor >= 1 then 1 else 0 end
            as disqualifier_firing
    from intervals
    inner join signal_weights
        on
            intervals.definition_id = signal_weights.definition_id
            and intervals.signal_id = signal_weights.signal_id
),

first_seen as (
    select
        definition_id,
        entity_id,
        min(valid_from) as first_from
    from weighted
    group by definition_id, entity_id
),

deltas as (
    select
        definition_id,
        entity_id,
        valid_from as change_date,
        points,
        required_firing,
        disqualifier_firing
    from weighted

    union all

    select
        definition_id,
        entity_id,
        valid_to as change_date,
        -points as points,
        -required_firing as required_firing,
        -disqualifier_firing as disqualifier_firing
    from weighted
    where valid_to is not null

    union all

    -- the day an entity starts paying changes its eligibility; an entity's history starts at
    -- its first signal, so a payment before that is already reflected there
    select
        first_seen.definition_id,
        first_seen.entity_id,
        entities.paying_since_date as change_date,
        0 as points,
        0 as required_firing,
        0 as disqualifier_firing
    from first_seen
    inner join definitions
        on first_seen.definition_id = definitions.definition_id
    inner join entities
        on
            definitions.entity = entities.entity
            and first_seen.entity_id = entities.entity_id
    where entities.paying_since_date > first_seen.first_from
),

change_points as (
    select
        definition_id,
        entity_id,
        change_date,
        sum(points) as points,
        sum(required_firing) as required_firing,
        sum(disqualifier_firing) as disqualifier_firing
    from deltas
    group by definition_id, entity_id, change_date
),

running as (
    select
        definition_id,
        entity_id,
        change_date,
        {{ round_places(
            'sum(points) over (
            partition by definition_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        )', 6) }} as behaviour_score,
        sum(required_firing) over (
            partition by definition_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as required_firing_count,
        sum(disqualifier_firing) over (
            partition by definition_id, entity_id
            order by change_date
            rows between unbounded preceding and current row
        ) as disqualifier_firing_count
    from change_points
),

final as (
    select
        running.definition_id,
        running.entity_id,
        running.change_date,
        running.behaviour_score,
        running.required_firing_count,
        running.disqualifier_firing_count,
        coalesce(fit.fit_score, 0) as fit_score,
        fit.fit_reasons,
        entities.paying_since_date,
        case
            when
                (
                    definitions.motion = 'new_business'
                    and entities.paying_since_date <= running.change_date
                )
                or (
                    definitions.motion = 'expansion'
                    and (
                        entities.paying_since_date is null
                        or entities.paying_since_date > running.change_date
                    )
                )
                then 'ineligible'
            when running.disqualifier_firing_count > 0 then 'disqualified'
            when
                running.behaviour_score >= definitions.score_threshold
                and running.required_firing_count >= required_counts.required_count
                and (
                    definitions.min_fit_score is null
                    or coalesce(fit.fit_score, 0) >= definitions.min_fit_score
                )
                then 'qualifies'
            else 'does_not_qualify'
        end as raw_state,
        entity_watermarks.last_resolved_received_at,
        config_version.config_hash
    from running
    inner join entity_watermarks
        on
            running.definition_id = entity_watermarks.definition_id
            and running.entity_id = entity_watermarks.entity_id
    cross join config_version
    inner join definitions
        on running.definition_id = definitions.definition_id
    inner join required_counts
        on running.definition_id = required_counts.definition_id
    inner join entities
        on
            definitions.entity = entities.entity
            and running.entity_id = entities.entity_id
    left join fit
        on
            definitions.entity = fit.entity
            and running.entity_id = fit.entity_id
)

select * from final
