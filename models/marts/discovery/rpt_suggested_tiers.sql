{#- Suggested score bands for the suggested definitions, as ready-to-paste pql_tiers.csv rows
    (tier, min_score, description; one set for every definition, as the file is), fitted to the
    suggested weights on the point-in-time panel's score distribution (entity-weeks):
    - hot from the lowest score above the threshold whose entity-weeks are at most var
      pql_suggestion_hot_share of those the threshold flags (the highest score when none is
      that selective), the lowest of the entities' cut-offs: the weights are on one evidence
      scale, so the same score means the same evidence at every grain (the top of the
      flagged: reach out first);
    - warm from var pql_suggestion_threshold_points, the suggested threshold (qualified);
    - cool from the lowest positive score of any entity below the threshold (did a suggested
      behaviour without qualifying; empty while every weight reaches the threshold alone);
    - cold from 0.
    Each row repeats per entity (user, account) with what the band holds on that entity's panel:
    entity-weeks, their share and conversion rate, and its lift over the base rate. -#}
{%- set hot_share = var('pql_suggestion_hot_share') | float -%}
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

{{ suggested_score_curve('suggested', 'weight') }},

at_threshold as (
    select
        entity,
        max(flagged_count) as threshold_flagged_count
    from suggestion_curve
    where score >= {{ points }}
    group by entity
),

hot_cutoffs as (
    {#- per entity, the lowest score above the threshold flagging at most hot_share of what the
        threshold flags (else the highest score) -#}
    select
        suggestion_curve.entity,
        coalesce(
            min(case
                when suggestion_curve.flagged_count <= {{ hot_share }} * at_threshold.threshold_flagged_count
                    then suggestion_curve.score
            end),
            max(suggestion_curve.score)
        ) as hot_score
    from suggestion_curve
    inner join at_threshold
        on suggestion_curve.entity = at_threshold.entity
    where suggestion_curve.score > {{ points }}
    group by suggestion_curve.entity
),

cutoffs as (
    select
        greatest(
            coalesce((select min(hot_cutoffs.hot_score) from hot_cutoffs), {{ points }} + 1),
            {{ points }} + 1
        ) as hot_min_score,
        greatest(1, least(coalesce(min(min_score), {{ points }} - 1), {{ points }} - 1))
            as cool_min_score
    from suggestion_curve
),

bands as (
    select
        'hot' as tier,
        cutoffs.hot_min_score as min_score,
        1 as tier_order,
        'Top of the suggested score: reach out first' as description
    from cutoffs
    union all
    select
        'warm' as tier,
        {{ points }} as min_score,
        2 as tier_order,
        'At the suggested threshold: qualified, reach out this week' as description
    from cutoffs
    union all
    select
        'cool' as tier,
        cutoffs.cool_min_score as min_score,
        3 as tier_order,
        'Did a suggested behaviour, below the threshold: nurture' as description
    from cutoffs
    union all
    select
        'cold' as tier,
        0 as min_score,
        4 as tier_order,
        'None of the suggested behaviours' as description
    from cutoffs
),

bounded as (
    select
        *,
        lag(min_score) over (order by tier_order asc) as upper_score
    from bands
),

entities as (
    select distinct entity
    from suggested
),

entity_bands as (
    select
        suggestion_scores.entity,
        bounded.tier,
        count(*) as entity_count,
        sum(case when suggestion_scores.is_converted then 1 else 0 end) as converted_count
    from suggestion_scores
    inner join bounded
        on
            suggestion_scores.score >= bounded.min_score
            and (bounded.upper_score is null or suggestion_scores.score < bounded.upper_score)
    group by
        suggestion_scores.entity,
        bounded.tier
),

final as (
    select
        suggestion_totals.entity || '|' || bounded.tier as suggested_tier_id,
        bounded.tier,
        cast(bounded.min_score as {{ dbt.type_int() }}) as min_score,
        bounded.description,
        suggestion_totals.entity,
        cast(bounded.tier_order as {{ dbt.type_int() }}) as tier_order,
        cast(coalesce(entity_bands.entity_count, 0) as {{ dbt.type_bigint() }}) as entity_count,
        cast(
            {{ safe_divide('coalesce(entity_bands.entity_count, 0)', 'suggestion_totals.population_count') }}
            as {{ numeric }}
        ) as entity_share,
        cast(
            {{ safe_divide('entity_bands.converted_count', 'entity_bands.entity_count') }}
            as {{ numeric }}
        ) as conversion_rate,
        cast(
            {{ safe_divide(
                safe_divide('entity_bands.converted_count', 'entity_bands.entity_count'),
                safe_divide('suggestion_totals.population_converted_count', 'suggestion_totals.population_count')
            ) }}
            as {{ numeric }}
        ) as lift
    from bounded
    cross join suggestion_totals
    inner join entities
        on suggestion_totals.entity = entities.entity
    left join entity_bands
        on
            suggestion_totals.entity = entity_bands.entity
            and bounded.tier = entity_bands.tier
)

select * from final
