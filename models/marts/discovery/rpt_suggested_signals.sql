{#- A first definition per entity (user, account), as ready-to-paste pql_signals.csv rows: the
    signals chosen point in time by the greedy selection (rpt_suggested_signal_steps, is_selected),
    in the order chosen. Each is a count signal "at least cut-off times in the last window days"
    (the trailing window and cut-off it was measured with), in definition suggested_<entity>.

    Threshold rule: any chosen signal alone qualifies (the selection's flagged entity-weeks are
    their union, held within the flagged budget). Weights are on one absolute scale for every
    entity: var pql_suggestion_threshold_points per doubling of the evidence the signal added
    when chosen (the lower bound of its increment's lift over the base rate, conditional on the
    signals chosen before it), and at least the threshold. So a score means the same evidence at
    user and account grain (one pql_tiers.csv fits both), and entity-weeks doing several chosen
    behaviours, or the strongest ones, score higher (the hot tier of rpt_suggested_tiers). The
    definition row: rpt_suggested_definitions. -#}
{%- set points = var('pql_suggestion_threshold_points') | int -%}
with

steps as (
    select * from {{ ref('rpt_suggested_signal_steps') }}
    where is_selected
),

evidence as (
    select
        *,
        -- a double: the log evidence is compared and scaled below
        cast(ln(new_lift_low) as {{ type_double() }}) as evidence_weight
    from steps
),

scaled as (
    select
        *,
        cast(greatest({{ points }}, round(cast(
            {{ points }} * evidence_weight / ln(2) as {{ dbt.type_numeric() }}
        ), 0)) as {{ dbt.type_int() }}) as points_weight
    from evidence
),

final as (
    select
        'suggested_' || entity as definition_id,
        'suggested_' || cast(step as {{ dbt.type_string() }}) || '_'
        || case when feature_type = 'event' then 'event' else 'page' end as signal_id,
        'usage' as category,
        case when feature_type = 'event' then feature_id else 'page_viewed' end as event_names,
        cast(null as {{ dbt.type_string() }}) as property_filter,
        case when feature_type = 'page_path' then feature_id end as page_path_prefix,
        cast(null as {{ dbt.type_string() }}) as page_host,
        'count' as aggregation,
        cast(null as {{ dbt.type_string() }}) as property_key,
        cast(window_days as {{ dbt.type_int() }}) as window_days,
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
        'suggested_' || entity || '|suggested_' || cast(step as {{ dbt.type_string() }})
        || '_' || case when feature_type = 'event' then 'event' else 'page' end
            as suggested_signal_id,
        entity,
        feature_type,
        feature_id,
        cutoff_label,
        cast(step as {{ dbt.type_int() }}) as suggestion_rank,
        new_lift_low,
        new_flagged_count,
        new_converted_count,
        flagged_share,
        capture_rate,
        cast(evidence_weight as {{ dbt.type_numeric() }}) as evidence_weight
    from scaled
)

select * from final
