{#- Rolling usage per account as of every date, exact and point in time, from the events that
    carried the account as context (context_group_id). Events of internal users (your own staff
    working in a customer's workspace) are left out; anonymous events in the account count as
    events, but only resolved users are seats.

    The point-in-time rule and the method are those of int_user_usage_windows: an event is known
    on its available date (the later of its occurred date and the date of resolved_received_at);
    as of date d a window of N days covers the events that occurred in (d - N, d] and were known
    by d.
      - Events and active days: the running total by occurred day, less the same total N days
        earlier, less what had occurred in the window but was not known yet (late events only).
      - Active seats and distinct features: a member (a user, an event name) counts as of d while
        an occurrence known by d lies in the window; the unions of its as-of intervals
        [available date, occurred date + N) give +1 and -1 changes, and a running total the
        exact distinct count. -#}
{%- set windows = validated_var('pql_usage_windows') -%}
{%- if windows is string or windows | length == 0 or windows | reject('integer') | list
    or windows | select('le', 0) | list -%}
    {{ exceptions.raise_compiler_error(
        "var pql_usage_windows must be a non-empty list of positive whole numbers of days, got "
        ~ windows
    ) }}
{%- endif -%}
{%- set largest_window = windows | max -%}
{%- set smallest_window = windows | min -%}
{%- set page_view_event = 'page_viewed' -%}
{#- Upper bound of the date series' length: 2^16 days (about 179 years) of loads. -#}
{%- set max_series_days = 65536 -%}
{%- set counted_measures = ['event_count', 'active_day_count'] -%}
{%- set member_measures = {'seat': 'active_seat_count', 'feature': 'distinct_feature_count'} -%}
{%- set output_columns = [] -%}
{%- set member_columns = [] -%}
{%- for measure in counted_measures + ['active_seat_count', 'distinct_feature_count'] -%}
    {%- for window_days in windows -%}
        {%- set column = measure ~ '_' ~ window_days ~ 'd' -%}
        {%- do output_columns.append((measure, window_days, column)) -%}
    {%- endfor -%}
{%- endfor -%}
{%- for member_type, measure in member_measures.items() -%}
    {%- for window_days in windows -%}
        {%- set column = measure ~ '_' ~ window_days ~ 'd' -%}
        {%- do member_columns.append((member_type, window_days, column)) -%}
    {%- endfor -%}
{%- endfor -%}
{%- set running_total = 'partition by series.account_id order by series.as_of_date
                rows between unbounded preceding and current row' -%}

with

events as (
    select * from {{ ref('int_events_resolved') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

day_numbers as (
    {{ dbt.generate_series(max_series_days) }}
),

internal_users as (
    select user_id from users
    where is_internal
),

known_events as (
    select
        account_id,
        user_id,
        event_name,
        occurred_date,
        greatest(
            occurred_date,
            {{ dbt.cast('resolved_received_at', 'date') }}
        ) as available_date
    from events
),

stream_bounds as (
    select
        min(available_date) as first_available_date,
        max(available_date) as last_available_date,
        {{ dbt.datediff('min(available_date)', 'max(available_date)', 'day') }}
            as span_days
    from known_events
),

day_offsets as (
    {#- 0, 1, ... up to the stream's span plus the largest window. -#}
    select day_numbers.generated_number - 1 as day_offset
    from day_numbers
    cross join stream_bounds
    where day_numbers.generated_number - 1 <= stream_bounds.span_days + {{ largest_window }}
),

account_events as (
    select
        known_events.account_id,
        known_events.user_id,
        known_events.event_name,
        known_events.occurred_date,
        known_events.available_date
    from known_events
    left join internal_users
        on known_events.user_id = internal_users.user_id
    where
        known_events.account_id is not null
        and internal_users.user_id is null
),

member_days as (
    {#- One row per account, member (an event name, a user) and occurred day, with the day its
        first event was known. -#}
    select
        account_id,
        'feature' as member_type,
        event_name as member_id,
        occurred_date,
        count(*) as event_count,
        min(available_date) as first_available_date
    from account_events
    group by
        account_id,
        event_name,
        occurred_date

    union all

    select
        account_id,
        'seat' as member_type,
        user_id as member_id,
        occurred_date,
        count(*) as event_count,
        min(available_date) as first_available_date
    from account_events
    where user_id is not null
    group by
        account_id,
        user_id,
        occurred_date
),

activity_days as (
    select
        account_id,
        occurred_date,
        sum(event_count) as event_count,
        min(first_available_date) as first_available_date
    from member_days
    where member_type = 'feature'
    group by
        account_id,
        occurred_date
),

late_event_groups as (
    select
        account_events.account_id,
        account_events.occurred_date,
        account_events.available_date,
        activity_days.first_available_date,
        count(*) as event_count,
        {{ dbt.datediff('account_events.occurred_date', 'account_events.available_date', 'day') }}
            as late_days
    from account_events
    inner join activity_days
        on
            account_events.account_id = activity_days.account_id
            and account_events.occurred_date = activity_days.occurred_date
    where account_events.available_date > account_events.occurred_date
    group by
        account_events.account_id,
        account_events.occurred_date,
        account_events.available_date,
        activity_days.first_available_date
),

pending_days as (
    {#- Each as-of date on which late events had occurred but were not known yet, with how many
        days before it they occurred. A day is a pending active day until its first event is
        known. -#}
    select
        late_event_groups.account_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'late_event_groups.occurred_date'), 'date'
        ) }} as as_of_date,
        day_offsets.day_offset as days_since_occurred,
        late_event_groups.event_count,
        case
            when late_event_groups.available_date = late_event_groups.first_available_date then 1
            else 0
        end as active_day_count
    from late_event_groups
    inner join day_offsets
        on
            late_event_groups.late_days > day_offsets.day_offset
            and day_offsets.day_offset < {{ largest_window }}
),

pending as (
    select
        account_id,
        as_of_date,
        {% for measure, window_days, column in output_columns if measure in counted_measures %}
            sum(case when days_since_occurred < {{ window_days }} then {{ measure }} else 0 end)
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from pending_days
    group by
        account_id,
        as_of_date
),

member_occurrences as (
    {#- Each member's occurrence days in the order they became known, with the latest occurred
        day known before each one and the next one's available day. Page views are no feature. -#}
    select
        account_id,
        member_type,
        occurred_date,
        first_available_date,
        max(occurred_date) over (
            partition by account_id, member_type, member_id
            order by first_available_date, occurred_date
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_occurred_date,
        lead(first_available_date) over (
            partition by account_id, member_type, member_id
            order by first_available_date, occurred_date
        ) as next_available_date
    from member_days
    where member_type = 'seat' or member_id != '{{ page_view_event }}'
),

member_runs as (
    {#- Day counts between the dates that decide where a member's count starts and stops. -#}
    select
        account_id,
        member_type,
        first_available_date,
        latest_occurred_date,
        {{ dbt.datediff('occurred_date', 'first_available_date', 'day') }}
            as known_after_days,
        {{ dbt.datediff('previous_latest_occurred_date', 'first_available_date', 'day') }}
            as known_after_previous_days,
        {{ dbt.datediff('latest_occurred_date', 'first_available_date', 'day') }}
            as known_after_latest_days,
        {{ dbt.datediff('latest_occurred_date', 'next_available_date', 'day') }}
            as next_known_after_latest_days
    from (
        select
            *,
            greatest(coalesce(previous_latest_occurred_date, occurred_date), occurred_date)
                as latest_occurred_date
        from member_occurrences
    ) as occurrences
),

member_changes as (
    {#- For window N a member starts counting when an occurrence becomes known less than N days
        after it occurred while no earlier occurrence still counts (none occurred in the N days
        before); it stops N days after the latest occurrence known, unless the next occurrence
        is known by then. -#}
    select
        account_id,
        first_available_date as change_date,
        {% for member_type, window_days, column in member_columns %}
            case
                when
                    member_type = '{{ member_type }}'
                    and known_after_days < {{ window_days }}
                    and coalesce(known_after_previous_days >= {{ window_days }}, true)
                    then 1
                else 0
            end as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from member_runs
    where
        known_after_days < {{ largest_window }}
        and coalesce(known_after_previous_days >= {{ smallest_window }}, true)
    {% for window_days in windows %}
        {%- set ending_window = window_days %}

        union all

        select
            account_id,
            {{ dbt.cast(dbt.dateadd('day', window_days, 'latest_occurred_date'), 'date') }}
                as change_date,
            {% for member_type, other_window, column in member_columns %}
                {% if other_window == ending_window %}
                    case when member_type = '{{ member_type }}' then -1 else 0 end
                        as {{ column }}{% if not loop.last %},{% endif %}
                {% else %}
                    0 as {{ column }}{% if not loop.last %},{% endif %}
                {% endif %}
            {% endfor %}
        from member_runs
        where
            known_after_latest_days < {{ window_days }}
            and coalesce(next_known_after_latest_days >= {{ window_days }}, true)
    {% endfor %}
),

daily_member_changes as (
    select
        account_id,
        change_date,
        {% for member_type, window_days, column in member_columns %}
            sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from member_changes
    group by
        account_id,
        change_date
),

account_ranges as (
    {#- The series starts early enough for every event that can fall in the window of a shown
        as-of date to be in the running totals; earlier rows are dropped at the end. -#}
    select
        account_id,
        min(first_available_date) as first_known_date,
        greatest(
            min(occurred_date),
            {{ dbt.cast(
                dbt.dateadd('day', 1 - largest_window, 'min(first_available_date)'), 'date'
            ) }}
        ) as series_start_date
    from activity_days
    group by account_id
),

series as (
    select
        account_ranges.account_id,
        account_ranges.first_known_date,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'account_ranges.series_start_date'), 'date'
        ) }} as as_of_date
    from account_ranges
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff(
                'account_ranges.series_start_date', 'stream_bounds.last_available_date', 'day'
            ) }}
),

running_totals as (
    select
        series.account_id,
        series.first_known_date,
        series.as_of_date,
        cast(
            sum(coalesce(activity_days.event_count, 0)) over ({{ running_total }})
            as {{ dbt.type_bigint() }}
        ) as event_count_to_date,
        cast(
            sum(case when activity_days.account_id is null then 0 else 1 end) over ({{ running_total }})
            as {{ dbt.type_bigint() }}
        ) as active_day_count_to_date,
        {% for member_type, window_days, column in member_columns %}
            cast(
                sum(coalesce(daily_member_changes.{{ column }}, 0)) over ({{ running_total }})
                as {{ dbt.type_bigint() }}
            ) as running_{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from series
    left join activity_days
        on
            series.account_id = activity_days.account_id
            and series.as_of_date = activity_days.occurred_date
    left join daily_member_changes
        on
            series.account_id = daily_member_changes.account_id
            and series.as_of_date = daily_member_changes.change_date
),

windowed as (
    select
        running_totals.account_id,
        running_totals.first_known_date,
        running_totals.as_of_date,
        {% for measure, window_days, column in output_columns %}
            {% if measure in counted_measures %}
                running_totals.{{ measure }}_to_date
                - coalesce(lag(running_totals.{{ measure }}_to_date, {{ window_days }}) over (
                    partition by running_totals.account_id order by running_totals.as_of_date
                ), 0)
                - coalesce(pending.{{ column }}, 0)
                    as {{ column }}{% if not loop.last %},{% endif %}
            {% else %}
                running_totals.running_{{ column }}
                    as {{ column }}{% if not loop.last %},{% endif %}
            {% endif %}
        {% endfor %}
    from running_totals
    left join pending
        on
            running_totals.account_id = pending.account_id
            and running_totals.as_of_date = pending.as_of_date
),

final as (
    select
        account_id,
        as_of_date,
        {% for measure, window_days, column in output_columns %}
            cast({{ column }} as {{ dbt.type_bigint() }})
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from windowed
    where as_of_date >= first_known_date
)

select * from final
