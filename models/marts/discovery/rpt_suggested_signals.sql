{#- A first definition per entity (user, account), as ready-to-paste pql_signals.csv rows: the
    var pql_suggestion_max_signals behaviours (events and page paths) whose best frequency
    cut-off in rpt_signal_lift_by_frequency is significant after the multiple-comparison
    adjustment and not a small sample, best adjusted lower bound first. Each becomes a count
    signal "at least cut-off times in var pql_lift_observation_days days" (the window the lift
    was measured on), in definition suggested_<entity>.

    Weights are the log of the adjusted lower bound of the lift (the evidence a behaviour adds,
    shrunk where the sample is small), in points: scaled so that the score at which the lift
    population's flagged entities per week of signups fall within var
    pql_suggestion_leads_per_week is var pql_suggestion_threshold_points for every entity, so
    one pql_tiers.csv fits both suggested definitions. The definition row and its threshold:
    rpt_suggested_definitions; the tiers: rpt_suggested_tiers. -#}
{%- set observation_days = var('pql_lift_observation_days') | int -%}
{%- set max_signals = var('pql_suggestion_max_signals') | int -%}
{%- set points = var('pql_suggestion_threshold_points') | int -%}
with

population as (
    select * from {{ ref('fct_lift_population') }}
),

behaviour_counts as (
    select * from {{ ref('fct_lift_behaviour_counts') }}
),

frequency_lift as (
    select * from {{ ref('rpt_signal_lift_by_frequency') }}
    where
        feature_type in ('event', 'page_path')
        and is_significant_adjusted
        and not is_small_sample
        and lift > 1
),

best_per_behaviour as (
    select
        *,
        row_number() over (
            partition by entity, feature_type, feature_id
            order by lift_rank asc
        ) as behaviour_rank
    from frequency_lift
),

chosen_ranked as (
    select
        *,
        row_number() over (
            partition by entity
            order by lift_rank asc
        ) as suggestion_rank
    from best_per_behaviour
    where behaviour_rank = 1
),

chosen as (
    select
        *,
        cutoff_count as threshold,
        -- a double: the log evidence is summed and scaled below
        cast(ln(lift_ci_low_adjusted) as {{ type_double() }}) as evidence_weight
    from chosen_ranked
    where suggestion_rank <= {{ max_signals }}
),

{{ suggested_score_curve('chosen', 'evidence_weight', var('pql_suggestion_leads_per_week') | int) }},

scaled as (
    select
        chosen.*,
        cast(greatest(1, round(cast(
            {{ points }} * chosen.evidence_weight / suggestion_curve.score as {{ dbt.type_numeric() }}
        ), 0)) as {{ dbt.type_int() }}) as points_weight
    from chosen
    inner join suggestion_curve
        on
            chosen.entity = suggestion_curve.entity
            and suggestion_curve.is_capacity_cutoff
),

final as (
    select
        'suggested_' || entity as definition_id,
        'suggested_' || cast(suggestion_rank as {{ dbt.type_string() }}) || '_'
        || case when feature_type = 'event' then 'event' else 'page' end as signal_id,
        'usage' as category,
        case when feature_type = 'event' then feature_id else 'page_viewed' end as event_names,
        cast(null as {{ dbt.type_string() }}) as property_filter,
        case when feature_type = 'page_path' then feature_id end as page_path_prefix,
        cast(null as {{ dbt.type_string() }}) as page_host,
        'count' as aggregation,
        cast(null as {{ dbt.type_string() }}) as property_key,
        cast({{ observation_days }} as {{ dbt.type_int() }}) as window_days,
        cast(cutoff_count as {{ dbt.type_bigint() }}) as threshold,
        cast(null as {{ dbt.type_bigint() }}) as threshold_max,
        points_weight as weight,
        cast(null as {{ dbt.type_string() }}) as disqualifies,
        cast(null as {{ dbt.type_int() }}) as lifespan_days,
        case
            when feature_type = 'event'
                then 'Did ' || replace(feature_id, '_', ' ') || ' {value} times in the last {window} days'
            else 'Viewed ' || feature_id || ' {value} times in the last {window} days'
        end as reason_template,
        'suggested_' || entity || '|suggested_' || cast(suggestion_rank as {{ dbt.type_string() }})
        || '_' || case when feature_type = 'event' then 'event' else 'page' end
            as suggested_signal_id,
        entity,
        feature_type,
        feature_id,
        cutoff_label,
        cast(suggestion_rank as {{ dbt.type_int() }}) as suggestion_rank,
        lift,
        lift_ci_low_adjusted,
        q_value,
        did_count,
        recall_rate,
        cast(evidence_weight as {{ dbt.type_numeric() }}) as evidence_weight
    from scaled
)

select * from final
