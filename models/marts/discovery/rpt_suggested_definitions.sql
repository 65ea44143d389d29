{#- The suggested definition per entity (user, account), as a ready-to-paste
    pql_definitions.csv row with its score threshold set for a sales capacity: every entity of
    the lift population gets the score of rpt_suggested_signals it met in its observation
    window; the threshold is the lowest score whose flagged entities per week (per week of
    signups) stay within var pql_suggestion_leads_per_week (the highest score when none does),
    with that cut-off's weekly volume, precision and recall on the population. After pasting,
    rpt_definition_threshold_curve and rpt_definition_backtest measure it point in time. -#}
{%- set capacity = var('pql_suggestion_leads_per_week') | int -%}
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

met as (
    select
        suggested.entity,
        behaviour_counts.entity_id,
        suggested.weight
    from suggested
    inner join behaviour_counts
        on
            suggested.entity = behaviour_counts.entity
            and suggested.feature_type = behaviour_counts.feature_type
            and suggested.feature_id = behaviour_counts.feature_id
            and suggested.threshold <= behaviour_counts.behaviour_count
),

scores as (
    select
        population.entity,
        population.entity_id,
        population.signup_date,
        population.is_converted,
        coalesce(sum(met.weight), 0) as score
    from population
    left join met
        on
            population.entity = met.entity
            and population.entity_id = met.entity_id
    group by
        population.entity,
        population.entity_id,
        population.signup_date,
        population.is_converted
),

entity_totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as converted_count,
        ({{ dbt.datediff('min(signup_date)', 'max(signup_date)', 'day') }} + 1)  -- noqa: LT05
        / 7.0 as week_count
    from scores
    group by entity
),

by_score as (
    select
        entity,
        score,
        count(*) as entity_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from scores
    where score > 0
    group by
        entity,
        score
),

curve as (
    select
        by_score.entity,
        by_score.score,
        sum(by_score.entity_count) over (
            partition by by_score.entity
            order by by_score.score desc
            rows between unbounded preceding and current row
        ) as flagged_count,
        sum(by_score.converted_count) over (
            partition by by_score.entity
            order by by_score.score desc
            rows between unbounded preceding and current row
        ) as flagged_converted_count
    from by_score
),

measured as (
    select
        curve.*,
        entity_totals.population_count,
        entity_totals.converted_count,
        curve.flagged_count / entity_totals.week_count as flagged_per_week,
        max(curve.score) over (partition by curve.entity) as max_score
    from curve
    inner join entity_totals
        on curve.entity = entity_totals.entity
),

ranked as (
    select
        *,
        row_number() over (
            partition by entity
            order by
                case when flagged_per_week <= {{ capacity }} or score = max_score then 0 else 1 end asc,
                score asc
        ) as threshold_rank
    from measured
),

final as (
    select
        'suggested_' || entity as definition_id,
        entity,
        'new_business' as motion,
        cast(score as {{ dbt.type_int() }}) as score_threshold,
        cast(null as {{ dbt.type_string() }}) as required_signals,
        cast(null as {{ dbt.type_int() }}) as min_fit_score,
        cast(null as {{ dbt.type_int() }}) as min_days_before_demotion,
        cast(null as {{ dbt.type_int() }}) as cooldown_days,
        'Suggested from rpt_signal_lift_by_frequency for '
        || cast({{ capacity }} as {{ dbt.type_string() }}) || ' leads per week' as description,
        cast({{ capacity }} as {{ dbt.type_int() }}) as leads_per_week_capacity,
        cast(flagged_per_week as {{ numeric }}) as flagged_per_week,
        cast({{ safe_divide('flagged_count', 'population_count') }} as {{ numeric }}) as flagged_share,
        cast({{ safe_divide('flagged_converted_count', 'flagged_count') }} as {{ numeric }})
            as precision_rate,
        cast({{ safe_divide('flagged_converted_count', 'converted_count') }} as {{ numeric }})
            as recall_rate
    from ranked
    where threshold_rank = 1
)

select * from final
