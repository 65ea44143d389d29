{#- The entity-dates the learned score learns from and scores, per definition:
    - every row of the backtest panel (fct_backtest_panel: each eligible entity as of the last
      day of every week), with its outcome (converted within var pql_backtest_window_days days)
      and the rule's own verdict then (qualified, score), to train and validate on;
    - every entity the rules can still qualify today (current status qualified or
      not_qualified), as of the data's as-of date, to score.
    Features for these dates are in int_learned_score_features. -#}
with

panel as (
    select * from {{ ref('fct_backtest_panel') }}
),

user_history as (
    select * from {{ ref('fct_pql_state_history') }}
),

account_history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

panel_points as (
    select
        definition_id,
        entity,
        motion,
        entity_id,
        as_of_date,
        'panel' as point_kind,
        is_qualified as rule_is_qualified,
        score as rule_score,
        converted_within_window as is_converted,
        is_outcome_complete
    from panel
),

current_states as (
    select
        definition_id,
        'user' as entity,
        motion,
        user_id as entity_id,
        status,
        score
    from user_history
    where valid_to is null

    union all

    select
        definition_id,
        'account' as entity,
        motion,
        account_id as entity_id,
        status,
        score
    from account_history
    where valid_to is null
),

current_points as (
    select
        current_states.definition_id,
        current_states.entity,
        current_states.motion,
        current_states.entity_id,
        data_as_of.data_as_of_date as as_of_date,
        'current' as point_kind,
        current_states.status = 'qualified' as rule_is_qualified,
        current_states.score as rule_score,
        cast(null as {{ dbt.type_boolean() }}) as is_converted,
        false as is_outcome_complete
    from current_states
    cross join data_as_of
    where current_states.status in ('qualified', 'not_qualified')
),

points as (
    select * from panel_points
    union all
    select * from current_points
),

final as (
    select
        point_kind || '|' || definition_id || '|' || entity_id || '|'
        || {{ dbt.cast('as_of_date', dbt.type_string()) }} as point_id,
        point_kind,
        definition_id,
        entity,
        motion,
        entity_id,
        as_of_date,
        rule_is_qualified,
        cast(rule_score as {{ type_double() }}) as rule_score,
        is_converted,
        is_outcome_complete
    from points
)

select * from final
