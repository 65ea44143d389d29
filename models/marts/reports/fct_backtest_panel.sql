{#- The point-in-time replay of every definition: as of the last day of every week, each entity
    eligible then (new business: known and not yet converted; expansion: paying), with its
    PQL/PQA state and score as of that day, read from the state history (the row valid on a
    date used only data available by that date), and whether it converted in the
    var pql_backtest_window_days days after.

    No future data: every column except the outcome columns (converted_within_window,
    converted_date, is_outcome_complete) uses only what was known by as_of_date. An entity enters
    when it was first loaded (not at a signup time learned later), and a user's conversion
    through an account counts from when the membership was known, as in the threshold engine,
    so a later load cannot move an entity out of a past week (int_entities_new_business_dated,
    shared with fct_suggestion_panel). Entities with no history row yet
    on a date are not qualified with score 0. -#}
with

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

user_history as (
    select * from {{ ref('fct_pql_state_history') }}
),

account_history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

entities as (
    select * from {{ ref('int_entities_new_business_dated') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

revenue_events as (
    select * from {{ ref('fct_revenue_events') }}
    where motion = 'expansion'
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

data_as_of as (
    {{ stream_as_of_date() }}
),

as_of_dates as (
    {#- the last day of every week the stream has events in, up to the data's as-of date -#}
    select
        weeks.week_start,
        {{ dbt.cast(dbt.dateadd('day', 6, 'weeks.week_start'), 'date') }} as as_of_date
    from (
        select distinct {{ dbt.cast(dbt.date_trunc('week', 'occurred_date'), 'date') }} as week_start
        from events
    ) as weeks
    cross join data_as_of
    where {{ dbt.dateadd('day', 6, 'weeks.week_start') }} <= data_as_of.data_as_of_date
),

definitions as (
    select distinct
        definition_id,
        entity,
        motion,
        score_threshold
    from config
),

expansion_outcomes as (
    {#- expansion conversions per entity, dated when they were known for it -#}
    select
        'account' as entity,
        account_id as entity_id,
        occurred_date as known_date
    from revenue_events
    where is_conversion

    union all

    select
        'user' as entity,
        links.user_id as entity_id,
        greatest(
            revenue_events.occurred_date,
            {{ dbt.cast('links.first_linked_received_at', 'date') }}
        ) as known_date
    from links
    inner join revenue_events
        on links.account_id = revenue_events.account_id
    where revenue_events.is_conversion
),

outcomes as (
    {#- what counts as converting after an as-of date: the first new-business conversion, or
        any expansion conversion -#}
    select
        entity,
        entity_id,
        'new_business' as motion,
        converted_date as outcome_date
    from entities
    where converted_date is not null

    union all

    select distinct
        entity,
        entity_id,
        'expansion' as motion,
        known_date as outcome_date
    from expansion_outcomes
),

spans as (
    select
        definitions.definition_id,
        definitions.entity,
        definitions.motion,
        definitions.score_threshold,
        entities.entity_id,
        case
            when definitions.motion = 'expansion'
                then greatest(entities.known_from, entities.converted_date)
            else entities.known_from
        end as eligible_from,
        case
            when definitions.motion = 'new_business' then entities.converted_date
        end as eligible_until
    from definitions
    inner join entities
        on definitions.entity = entities.entity
    where definitions.motion != 'expansion' or entities.converted_date is not null
),

history as (
    select
        'user' as entity,
        user_id as entity_id,
        definition_id,
        valid_from,
        valid_to,
        change_type,
        status,
        score,
        tier
    from user_history

    union all

    select
        'account' as entity,
        account_id as entity_id,
        definition_id,
        valid_from,
        valid_to,
        change_type,
        status,
        score,
        tier
    from account_history
),

history_episodes as (
    select
        *,
        max(case when change_type = 'qualified' then valid_from end) over (
            partition by entity, entity_id, definition_id
            order by valid_from
            rows between unbounded preceding and current row
        ) as qualified_since
    from history
),

panel as (
    select
        spans.definition_id,
        spans.entity,
        spans.motion,
        spans.entity_id,
        spans.score_threshold,
        as_of_dates.week_start,
        as_of_dates.as_of_date
    from spans
    inner join as_of_dates
        on
            spans.eligible_from <= as_of_dates.as_of_date
            and (spans.eligible_until is null or spans.eligible_until > as_of_dates.as_of_date)
),

states as (
    select
        panel.*,
        history_episodes.status,
        history_episodes.score,
        history_episodes.tier,
        history_episodes.qualified_since
    from panel
    left join history_episodes
        on
            panel.definition_id = history_episodes.definition_id
            and panel.entity = history_episodes.entity
            and panel.entity_id = history_episodes.entity_id
            and panel.as_of_date >= history_episodes.valid_from
            and (history_episodes.valid_to is null or panel.as_of_date < history_episodes.valid_to)
),

converted as (
    select
        states.definition_id,
        states.entity_id,
        states.as_of_date,
        min(outcomes.outcome_date) as converted_date
    from states
    inner join outcomes
        on
            states.entity = outcomes.entity
            and states.entity_id = outcomes.entity_id
            and states.motion = outcomes.motion
            and states.as_of_date < outcomes.outcome_date
            and {{ dbt.dateadd(
                'day', var('pql_backtest_window_days') | int, 'states.as_of_date'
            ) }} >= outcomes.outcome_date
    group by
        states.definition_id,
        states.entity_id,
        states.as_of_date
),

final as (
    select
        states.definition_id || '|' || states.entity_id || '|'
        || {{ dbt.cast('states.as_of_date', dbt.type_string()) }} as panel_id,
        states.definition_id,
        states.entity,
        states.motion,
        states.entity_id,
        states.week_start,
        states.as_of_date,
        coalesce(states.status, 'not_qualified') as status,
        coalesce(states.status = 'qualified', false) as is_qualified,
        coalesce(
            states.status = 'qualified' and states.qualified_since >= states.week_start, false
        ) as is_newly_qualified,
        cast(coalesce(states.score, 0) as {{ dbt.type_numeric() }}) as score,
        cast(states.score_threshold as {{ dbt.type_numeric() }}) as score_threshold,
        states.tier,
        converted.converted_date is not null as converted_within_window,
        converted.converted_date,
        {{ dbt.dateadd('day', var('pql_backtest_window_days') | int, 'states.as_of_date') }}
        <= data_as_of.data_as_of_date as is_outcome_complete
    from states
    cross join data_as_of
    left join converted
        on
            states.definition_id = converted.definition_id
            and states.entity_id = converted.entity_id
            and states.as_of_date = converted.as_of_date
)

select * from final
