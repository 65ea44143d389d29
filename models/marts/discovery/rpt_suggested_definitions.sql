{#- The suggested definition per entity (user, account), as a ready-to-paste
    pql_definitions.csv row. Its score_threshold is var pql_suggestion_threshold_points: the
    suggested weights are scaled so that this score flags, on the lift population, about var
    pql_suggestion_leads_per_week entities per week of signups (the capacity cut-off of the
    threshold curve). With the threshold, what it gives on the lift population, scored with the
    pasted (whole-point) weights: flagged per week, share flagged, precision and recall. After
    pasting, rpt_definition_threshold_curve and rpt_definition_backtest measure it point in
    time. -#}
{%- set capacity = var('pql_suggestion_leads_per_week') | int -%}
{%- set points = var('pql_suggestion_threshold_points') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

population as (
    select * from {{ ref('fct_lift_population') }}
),

behaviour_counts as (
    select * from {{ ref('fct_lift_behaviour_counts') }}
),

suggested as (
    select * from {{ ref('rpt_suggested_signals') }}
),

{{ suggested_score_curve('suggested', 'weight', capacity) }},

entities as (
    select distinct entity
    from suggested
),

at_threshold_ranked as (
    select
        *,
        row_number() over (partition by entity order by score asc) as score_rank
    from suggestion_curve
    where score >= {{ points }}
),

at_threshold as (
    select * from at_threshold_ranked
    where score_rank = 1
),

final as (
    select
        'suggested_' || entities.entity as definition_id,
        entities.entity,
        'new_business' as motion,
        cast({{ points }} as {{ dbt.type_int() }}) as score_threshold,
        cast(null as {{ dbt.type_string() }}) as required_signals,
        cast(null as {{ dbt.type_int() }}) as min_fit_score,
        cast(null as {{ dbt.type_int() }}) as min_days_before_demotion,
        cast(null as {{ dbt.type_int() }}) as cooldown_days,
        'Suggested from rpt_signal_lift_by_frequency for '
        || cast({{ capacity }} as {{ dbt.type_string() }}) || ' leads per week' as description,
        cast({{ capacity }} as {{ dbt.type_int() }}) as leads_per_week_capacity,
        cast(coalesce(at_threshold.flagged_count, 0) / suggestion_totals.week_count as {{ numeric }})
            as flagged_per_week,
        cast(
            {{ safe_divide('coalesce(at_threshold.flagged_count, 0)', 'suggestion_totals.population_count') }}
            as {{ numeric }}
        ) as flagged_share,
        cast(
            {{ safe_divide('at_threshold.flagged_converted_count', 'at_threshold.flagged_count') }}
            as {{ numeric }}
        ) as precision_rate,
        cast(
            {{ safe_divide(
                'coalesce(at_threshold.flagged_converted_count, 0)', 'suggestion_totals.population_converted_count'
            ) }}
            as {{ numeric }}
        ) as recall_rate
    from entities
    inner join suggestion_totals
        on entities.entity = suggestion_totals.entity
    left join at_threshold
        on entities.entity = at_threshold.entity
)

select * from final
