{#- The suggested definition per entity (user, account), as a ready-to-paste
    pql_definitions.csv row. Its score_threshold is var pql_suggestion_threshold_points, which
    every suggested signal's weight reaches alone: an entity qualifies when it does any chosen
    behaviour (rpt_suggested_signals). The selection kept the entity-weeks so flagged within the
    flagged budget (var pql_suggestion_max_flagged_share) and the newly flagged entities per
    week within var pql_suggestion_leads_per_week (when set). With the threshold, what it gives
    on the point-in-time panel (fct_suggestion_panel), scored with the pasted whole-point
    weights: flagged entity-weeks, their share, precision and the share of conversions captured,
    and the newly flagged entities per week. After pasting, rpt_definition_backtest measures it
    with the threshold engine (whose anti-flapping hold keeps a qualified entity longer). -#}
{%- set capacity = var('pql_suggestion_leads_per_week') -%}
{%- set points = var('pql_suggestion_threshold_points') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

panel as (
    select * from {{ ref('fct_suggestion_panel') }}
),

panel_counts as (
    select * from {{ ref('fct_suggestion_panel_counts') }}
),

suggested as (
    select * from {{ ref('rpt_suggested_signals') }}
),

steps as (
    select * from {{ ref('rpt_suggested_signal_steps') }}
    where is_selected
),

{{ suggested_score_curve('suggested', 'weight') }},

entities as (
    select
        entity,
        max(leads_per_week) as leads_per_week
    from steps
    group by entity
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
        'Suggested point in time: any of the chosen behaviours, at most '
        || '{{ (var('pql_suggestion_max_flagged_share') | float * 100) | round(1) }}'
        || '% of entity-weeks flagged' as description,
        cast({{ 'null' if capacity is none else capacity | int }} as {{ dbt.type_int() }})
            as leads_per_week_capacity,
        cast(entities.leads_per_week as {{ numeric }}) as leads_per_week,
        cast(coalesce(at_threshold.flagged_count, 0) as {{ dbt.type_bigint() }}) as flagged_count,
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
