{#- CTEs (the last named suggestion_curve) scoring every entity-week of the point-in-time panel
    with a set of suggested signals and reading the threshold curve of that score, per entity
    (user, account). `suggested` is a CTE with one row per signal (entity, feature_type,
    feature_id, window_days, threshold and the weight column `weight`); the caller defines the
    CTEs `panel` (fct_suggestion_panel) and `panel_counts` (fct_suggestion_panel_counts). An
    entity-week scores the weight of every signal whose threshold it met in the signal's
    trailing window as of that week.

    suggestion_scores has one row per entity-week with its score; suggestion_totals the panel
    per entity (entity-weeks, conversions, weeks); suggestion_curve one row per entity and
    positive score: the entity-weeks at or above it (flagged_count), their share of the panel
    (flagged_share) and how many of them converted. -#}
{% macro suggested_score_curve(suggested, weight) -%}
suggestion_met as (
    select
        {{ suggested }}.entity,
        panel_counts.entity_id,
        panel_counts.as_of_date,
        {{ suggested }}.{{ weight }} as weight
    from {{ suggested }}
    inner join panel_counts
        on
            {{ suggested }}.entity = panel_counts.entity
            and {{ suggested }}.feature_type = panel_counts.feature_type
            and {{ suggested }}.feature_id = panel_counts.feature_id
            and {{ suggested }}.window_days = panel_counts.window_days
            and {{ suggested }}.threshold <= panel_counts.behaviour_count
),

suggestion_scores as (
    select
        panel.entity,
        panel.entity_id,
        panel.as_of_date,
        panel.is_converted,
        coalesce(sum(suggestion_met.weight), 0) as score
    from panel
    left join suggestion_met
        on
            panel.entity = suggestion_met.entity
            and panel.entity_id = suggestion_met.entity_id
            and panel.as_of_date = suggestion_met.as_of_date
    group by
        panel.entity,
        panel.entity_id,
        panel.as_of_date,
        panel.is_converted
),

suggestion_totals as (
    select
        entity,
        count(*) as population_count,
        sum(case when is_converted then 1 else 0 end) as population_converted_count,
        count(distinct as_of_date) as week_count
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

suggestion_curve as (
    select
        suggestion_cumulative.*,
        suggestion_totals.population_count,
        suggestion_totals.population_converted_count,
        suggestion_totals.week_count,
        suggestion_cumulative.flagged_count * 1.0 / suggestion_totals.population_count
            as flagged_share
    from suggestion_cumulative
    inner join suggestion_totals
        on suggestion_cumulative.entity = suggestion_totals.entity
)
{%- endmacro %}
