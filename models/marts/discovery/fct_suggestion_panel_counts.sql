{#- How often each entity-week of fct_suggestion_panel did each behaviour (every event name and
    page path) in each trailing window of var pql_suggestion_windows_days days, the way the
    threshold engine counts a count signal as of a date: events that happened in
    (as_of_date - window_days, as_of_date] and were available (loaded, stitched) by as_of_date.
    A user's own events; an account's events from non-internal users. A page path counts every
    page view whose path starts with it, as a signal's page_path_prefix matches; the paths are
    those viewed by at least var pql_lift_min_sample users (a rarer one, such as a path with a
    record id, cannot reach the sample a candidate needs). Only behaviours done at least once in
    the window have a row. -#}
{%- set windows = var('pql_suggestion_windows_days') -%}
{%- set min_sample = var('pql_lift_min_sample') | int -%}
with

panel as (
    select * from {{ ref('fct_suggestion_panel') }}
),

events as (
    select * from {{ ref('int_events_resolved') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

windows as (
    {% for window_days in windows -%}
        select cast({{ window_days | int }} as {{ dbt.type_int() }}) as window_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

known_events as (
    select
        events.user_id,
        events.account_id,
        not coalesce(users.is_internal, false) as is_external,
        events.event_name,
        events.page_path,
        events.occurred_date,
        greatest(
            events.occurred_date,
            {{ dbt.cast(dbt.date_trunc('day', 'events.resolved_received_at'), 'date') }}
        ) as available_date
    from events
    left join users
        on events.user_id = users.user_id
),

frequent_paths as (
    select page_path
    from known_events
    where page_path is not null and is_external
    group by page_path
    having count(distinct user_id) >= {{ min_sample }}
),

behaviours as (
    select
        user_id,
        account_id,
        is_external,
        'event' as feature_type,
        event_name as feature_id,
        occurred_date,
        available_date
    from known_events
    where event_name is not null

    union all

    select
        known_events.user_id,
        known_events.account_id,
        known_events.is_external,
        'page_path' as feature_type,
        frequent_paths.page_path as feature_id,
        known_events.occurred_date,
        known_events.available_date
    from known_events
    inner join frequent_paths
        on
            substring(
                known_events.page_path, 1, {{ dbt.length('frequent_paths.page_path') }}
            ) = frequent_paths.page_path
),

daily as (
    select
        'user' as entity,
        user_id as entity_id,
        feature_type,
        feature_id,
        occurred_date,
        available_date,
        count(*) as event_count
    from behaviours
    where user_id is not null and is_external
    group by
        user_id,
        feature_type,
        feature_id,
        occurred_date,
        available_date

    union all

    select
        'account' as entity,
        account_id as entity_id,
        feature_type,
        feature_id,
        occurred_date,
        available_date,
        count(*) as event_count
    from behaviours
    where account_id is not null and is_external
    group by
        account_id,
        feature_type,
        feature_id,
        occurred_date,
        available_date
),

counted as (
    select
        panel.entity,
        panel.entity_id,
        panel.as_of_date,
        daily.feature_type,
        daily.feature_id,
        windows.window_days,
        sum(daily.event_count) as behaviour_count
    from panel
    inner join daily
        on
            panel.entity = daily.entity
            and panel.entity_id = daily.entity_id
            and panel.as_of_date >= daily.occurred_date
            and panel.as_of_date >= daily.available_date
    inner join windows
        on {{ dbt.dateadd('day', 'windows.window_days', 'daily.occurred_date') }} > panel.as_of_date
    group by
        panel.entity,
        panel.entity_id,
        panel.as_of_date,
        daily.feature_type,
        daily.feature_id,
        windows.window_days
),

final as (
    select
        entity || '|' || entity_id || '|' || {{ dbt.cast('as_of_date', dbt.type_string()) }}
        || '|' || feature_type || '|' || feature_id || '|'
        || cast(window_days as {{ dbt.type_string() }}) as suggestion_panel_count_id,
        entity,
        entity_id,
        as_of_date,
        feature_type,
        feature_id,
        cast(window_days as {{ dbt.type_int() }}) as window_days,
        cast(behaviour_count as {{ dbt.type_bigint() }}) as behaviour_count
    from counted
)

select * from final
