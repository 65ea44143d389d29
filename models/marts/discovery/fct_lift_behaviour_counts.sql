{#- How often each entity of the lift population did each behaviour in its observation window
    [signup date, observation end): every event name, page path and page host (counts of
    events), and every configured signal (1 when it fired at full weight at any time in the
    window). A user's own events; an account's events from non-internal users. Signals and
    events are measured over the same window: a signal state that ended before signup does
    not count. -#}
with

population as (
    select * from {{ ref('fct_lift_population') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

user_history as (
    select * from {{ ref('fct_pql_state_history') }}
),

account_history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

observed_events as (
    select
        population.entity,
        population.entity_id,
        events.event_name,
        events.page_path,
        events.page_host
    from population
    inner join events
        on population.entity_id = events.user_id
    where
        population.entity = 'user'
        and events.occurred_date >= population.signup_date
        and events.occurred_date < population.observation_end_date

    union all

    select
        population.entity,
        population.entity_id,
        events.event_name,
        events.page_path,
        events.page_host
    from population
    inner join events
        on population.entity_id = events.account_id
    left join users
        on events.user_id = users.user_id
    where
        population.entity = 'account'
        and not coalesce(users.is_internal, false)
        and events.occurred_date >= population.signup_date
        and events.occurred_date < population.observation_end_date
),

behaviours as (
    select
        entity,
        entity_id,
        'event' as feature_type,
        event_name as feature_id
    from observed_events
    where event_name is not null

    union all

    select
        entity,
        entity_id,
        'page_path' as feature_type,
        page_path as feature_id
    from observed_events
    where page_path is not null

    union all

    select
        entity,
        entity_id,
        'page_host' as feature_type,
        page_host as feature_id
    from observed_events
    where page_host is not null
),

event_counts as (
    select
        entity,
        entity_id,
        feature_type,
        feature_id,
        count(*) as behaviour_count
    from behaviours
    group by
        entity,
        entity_id,
        feature_type,
        feature_id
),

signals as (
    select distinct
        entity,
        definition_id,
        signal_id
    from config
),

history as (
    select
        'user' as entity,
        user_id as entity_id,
        definition_id,
        valid_from,
        valid_to,
        signals_fired
    from user_history
    where signals_fired != ''

    union all

    select
        'account' as entity,
        account_id as entity_id,
        definition_id,
        valid_from,
        valid_to,
        signals_fired
    from account_history
    where signals_fired != ''
),

signal_counts as (
    select distinct
        population.entity,
        population.entity_id,
        'signal' as feature_type,
        signals.definition_id || '|' || signals.signal_id as feature_id,
        1 as behaviour_count
    from population
    inner join history
        on
            population.entity = history.entity
            and population.entity_id = history.entity_id
    inner join signals
        on
            history.entity = signals.entity
            and history.definition_id = signals.definition_id
            and {{ dbt.position(
                "', ' || signals.signal_id || ', '", "', ' || history.signals_fired || ', '"
            ) }} > 0
    where
        history.valid_from < population.observation_end_date
        and (history.valid_to is null or history.valid_to > population.signup_date)
),

final as (
    select
        entity || '|' || entity_id || '|' || feature_type || '|' || feature_id
            as behaviour_count_id,
        entity,
        entity_id,
        feature_type,
        feature_id,
        cast(behaviour_count as {{ dbt.type_bigint() }}) as behaviour_count
    from event_counts

    union all

    select
        entity || '|' || entity_id || '|' || feature_type || '|' || feature_id
            as behaviour_count_id,
        entity,
        entity_id,
        feature_type,
        feature_id,
        cast(behaviour_count as {{ dbt.type_bigint() }}) as behaviour_count
    from signal_counts
)

select * from final
