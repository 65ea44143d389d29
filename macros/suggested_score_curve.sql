{#- CTEs (the last named suggestion_curve) scoring every entity of the lift population with a
    set of suggested signals and reading the threshold curve of that score, per entity (user,
    account). `suggested` is a CTE with one row per signal (entity, feature_type, feature_id,
    threshold and the weight column `weight`); the caller defines the CTEs `population`
    (fct_lift_population) and `behaviour_counts` (fct_lift_behaviour_counts). An entity scores
    the weight of every signal whose threshold it met in its observation window.

    suggestion_curve has one row per entity and positive score: the entities at or above it
    (flagged_count), per week of signups (flagged_per_week), and how many of them converted;
    is_capacity_cutoff marks the lowest score flagging at most `capacity` entities per week (the
    highest score when none does). -#}
{% macro suggested_score_curve(suggested, weight, capacity) -%}
suggestion_met as (
    select
        {{ suggested }}.entity,
        behaviour_counts.entity_id,
        {{ suggested }}.{{ weight }} as weight
    from {{ suggested }}
    inner join behaviour_counts
        on
            {{ suggested }}.entity = behaviour_counts.entity
            and {{ suggested }}.feature_type = behaviour_counts.feature_type
            and {{ suggested }}.feature_id = behaviour_counts.feature_id
            and {{ suggested }}.threshold <= behaviour_counts.behaviour_count
),

suggestion_scores as (
    select
        population.entity,
        population.entity_id,
        population.signup_date,
        population.is_converted,
        coalesce(sum(suggestion_met.weight), 0) as score
    from population
    left join suggestion_met
        on
            population.entity = suggestion_met.entity
            and population.entity_id = suggestion_met.entity_id
    group by
        population.entity,
        population.entity_id,
        population.signup_date,
        population.is_converted
),

suggestion_totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as population_converted_count,
        ({{ dbt.datediff('min(signup_date)', 'max(signup_date)', 'day') }} + 1) / 7.0 as week_count
    from suggestion_scores
    group by entity
),

suggestion_by_score as (
    select
        entity,
        score,
        count(*) as entity_count,
        sum(case when is_converted then 1 else 0 end) as converted_count
    from suggestion_scores
    where score > 0
    group by
        entity,
        score
),

suggestion_cumulative as (
    select
        suggestion_by_score.*,
        sum(suggestion_by_score.entity_count) over (
            partition by suggestion_by_score.entity
            order by suggestion_by_score.score desc
            rows between unbounded preceding and current row
        ) as flagged_count,
        sum(suggestion_by_score.converted_count) over (
            partition by suggestion_by_score.entity
            order by suggestion_by_score.score desc
            rows between unbounded preceding and current row
        ) as flagged_converted_count,
        max(suggestion_by_score.score) over (partition by suggestion_by_score.entity) as max_score,
        min(suggestion_by_score.score) over (partition by suggestion_by_score.entity) as min_score
    from suggestion_by_score
),

suggestion_measured as (
    select
        suggestion_cumulative.*,
        suggestion_totals.population_count,
        suggestion_totals.population_converted_count,
        suggestion_totals.week_count,
        suggestion_cumulative.flagged_count / suggestion_totals.week_count as flagged_per_week,
        row_number() over (
            partition by suggestion_cumulative.entity
            order by
                case
                    when
                        suggestion_cumulative.flagged_count / suggestion_totals.week_count
                        <= {{ capacity }}
                        or suggestion_cumulative.score = suggestion_cumulative.max_score
                        then 0
                    else 1
                end asc,
                suggestion_cumulative.score asc
        ) as capacity_rank
    from suggestion_cumulative
    inner join suggestion_totals
        on suggestion_cumulative.entity = suggestion_totals.entity
),

suggestion_curve as (
    select
        *,
        capacity_rank = 1 as is_capacity_cutoff
    from suggestion_measured
)
{%- endmacro %}
