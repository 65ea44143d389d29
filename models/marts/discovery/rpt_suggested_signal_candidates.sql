{#- Every candidate signal of the suggestion, measured point in time on fct_suggestion_panel:
    per entity (user, account), event name or page path, trailing window (var
    pql_suggestion_windows_days) and cut-off taken from the doers' own counts in that window (at
    least once, the median, p75 and p90, rounded up; equal cut-offs are one row), how many
    entity-weeks met it ("at least cut-off times in the last window days" as of the week) and
    how many of them converted in the following var pql_backtest_window_days days, with the
    lift and its intervals (lift_estimates; the adjustment counts every candidate of the
    entity). The significant, non-small-sample candidates ranked by adjusted lower bound go to
    the greedy selection (rpt_suggested_signal_steps): every significant candidate of the var
    pql_suggestion_candidates behaviours with the best adjusted lower bound, per entity, whose
    window is at least var pql_min_days_before_demotion days (the engine holds a qualified
    entity that long, so a shorter window would flag more entity-weeks than measured here). Entity-weeks of one entity are not independent: the intervals are
    narrower than an entity-level sample would give. -#}
{%- set min_sample = var('pql_lift_min_sample') | int -%}
{%- set max_candidates = var('pql_suggestion_candidates') | int -%}
{%- set hold_days = var('pql_min_days_before_demotion') | int -%}
{%- set numeric = dbt.type_numeric() -%}
with

panel as (
    select * from {{ ref('fct_suggestion_panel') }}
),

panel_counts as (
    select * from {{ ref('fct_suggestion_panel_counts') }}
),

{{ frequency_cutoff_cells(
    'panel_counts', 'panel',
    ['entity', 'feature_type', 'feature_id', 'window_days'],
    ['entity_id', 'as_of_date'],
) }},

{{ lift_estimates('cells', 'entity') }},

flagged as (
    select
        *,
        did_count < {{ min_sample }} or not_did_count < {{ min_sample }} as is_small_sample,
        coalesce(lift_ci_low_adjusted > 1, false) as is_significant_adjusted
    from lift_estimated
),

ranked as (
    select
        *,
        row_number() over (
            partition by entity
            order by
                case when is_significant_adjusted and not is_small_sample then 0 else 1 end asc,
                lift_ci_low_adjusted desc,
                lift_ci_low desc,
                feature_type asc,
                feature_id asc,
                window_days asc,
                cutoff_count asc
        ) as candidate_rank
    from flagged
),

selectable as (
    select * from ranked
    where
        is_significant_adjusted
        and not is_small_sample
        and window_days >= {{ hold_days }}
),

behaviours_ranked as (
    {#- the behaviours (event, page path) by their best significant candidate -#}
    select
        entity,
        feature_type,
        feature_id,
        row_number() over (
            partition by entity
            order by min(candidate_rank) asc
        ) as behaviour_rank
    from selectable
    group by
        entity,
        feature_type,
        feature_id
),

final as (
    select
        ranked.entity || '|' || ranked.feature_type || '|' || ranked.feature_id || '|'
        || cast(ranked.window_days as {{ dbt.type_string() }}) || '|'
        || cast(ranked.cutoff_count as {{ dbt.type_string() }}) as candidate_id,
        ranked.entity,
        ranked.feature_type,
        ranked.feature_id,
        cast(ranked.window_days as {{ dbt.type_int() }}) as window_days,
        ranked.cutoff_label,
        cast(ranked.cutoff_count as {{ dbt.type_bigint() }}) as cutoff_count,
        cast(ranked.population_count as {{ dbt.type_bigint() }}) as population_count,
        cast(ranked.converted_count as {{ dbt.type_bigint() }}) as converted_count,
        cast(ranked.did_count as {{ dbt.type_bigint() }}) as did_count,
        cast(ranked.did_converted_count as {{ dbt.type_bigint() }}) as did_converted_count,
        cast(ranked.did_conversion_rate as {{ numeric }}) as did_conversion_rate,
        cast(ranked.not_did_conversion_rate as {{ numeric }}) as not_did_conversion_rate,
        cast(ranked.lift as {{ numeric }}) as lift,
        cast(ranked.lift_ci_low as {{ numeric }}) as lift_ci_low,
        cast(ranked.lift_ci_low_adjusted as {{ numeric }}) as lift_ci_low_adjusted,
        cast(ranked.q_value as {{ numeric }}) as q_value,
        ranked.is_significant_adjusted,
        ranked.is_small_sample,
        cast(ranked.candidate_rank as {{ dbt.type_int() }}) as candidate_rank,
        cast(behaviours_ranked.behaviour_rank as {{ dbt.type_int() }}) as behaviour_rank,
        coalesce(
            ranked.is_significant_adjusted and not ranked.is_small_sample
            and ranked.window_days >= {{ hold_days }}
            and behaviours_ranked.behaviour_rank <= {{ max_candidates }},
            false
        ) as is_selection_candidate
    from ranked
    left join behaviours_ranked
        on
            ranked.entity = behaviours_ranked.entity
            and ranked.feature_type = behaviours_ranked.feature_type
            and ranked.feature_id = behaviours_ranked.feature_id
)

select * from final
