with

current_state as (
    select * from {{ ref('int_pql_states_current') }}
    where entity = 'user'
),

users as (
    select * from {{ ref('dim_users') }}
),

learned_scores as (
    select * from {{ ref('int_learned_scores') }}
),

final as (
    select
        current_state.definition_id || '|' || current_state.entity_id as pql_id,
        current_state.entity_id as user_id,
        users.email,
        users.primary_account_id,
        current_state.definition_id,
        current_state.definition_version,
        current_state.motion,
        current_state.status,
        current_state.is_qualified,
        cast(current_state.score as {{ dbt.type_numeric() }}) as score,
        cast(current_state.score_threshold as {{ dbt.type_numeric() }}) as score_threshold,
        current_state.tier,
        cast(current_state.fit_score as {{ dbt.type_numeric() }}) as fit_score,
        current_state.fit_reasons,
        current_state.reasons,
        current_state.signals_fired,
        cast(current_state.signals_fired_count as {{ dbt.type_int() }}) as signals_fired_count,
        current_state.hold_ends_on,
        current_state.qualified_at,
        current_state.first_qualified_at,
        cast(current_state.times_qualified as {{ dbt.type_int() }}) as times_qualified,
        current_state.state_changed_at,
        cast(learned_scores.probability as {{ dbt.type_numeric() }}) as learned_probability,
        cast(learned_scores.percentile as {{ dbt.type_numeric() }}) as learned_percentile,
        learned_scores.band as learned_band,
        learned_scores.top_positive_factors as learned_top_factors,
        learned_scores.top_negative_factor as learned_negative_factor
    from current_state
    inner join users
        on current_state.entity_id = users.user_id
    left join learned_scores
        on
            current_state.definition_id = learned_scores.definition_id
            and current_state.entity_id = learned_scores.entity_id
)

select * from final
