{#- Rolling usage per user as of every date, exact and point in time.

    An event is known on its available date: the later of the day it occurred and the day its
    row reached its current form (resolved_received_at: its load, or the stitch that attributed
    an anonymous event to the user). As of date d, a window of N days covers the events that
    occurred in (d - N, d] and were known by d. So a late event never changes an earlier as-of
    row; it counts from the day it arrived, if it is still inside the window.

    How, over a dense daily series per user, with running totals instead of one scan per date:
      - Events, page views and active days: the running total by occurred day, less the same
        total N days earlier, less what had occurred in the window but was not known yet
        (pending: late events only, expanded over the few as-of dates they were pending).
      - Distinct features (event names, page views excluded): a feature counts as of d while an
        occurrence known by d lies in the window, i.e. on the union of the as-of intervals
        [available date, occurred date + N) of its occurrences. In the order they became known, a
        running maximum of the occurred date shows where each union starts and ends; +1 and -1
        on those dates and a running total give the exact distinct count.
    The series runs from the user's first known event date to the latest available date in the
    stream, so "as of any date" is one lookup. -#}
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
{%- set counted_measures = ['event_count', 'active_day_count', 'page_view_count'] -%}
{%- set output_columns = [] -%}
{%- set measures = [
    'event_count', 'active_day_count', 'distinct_feature_count', 'page_view_count',
] -%}
{%- for measure in measures -%}
    {%- for window_days in windows -%}
        {%- set column = measure ~ '_' ~ window_days ~ 'd' -%}
        {%- do output_columns.append((measure, window_days, column)) -%}
    {%- endfor -%}
{%- endfor -%}
{%- set running_total = 'partition by series.user_id order by series.as_of_date
                rows between unbounded preceding and current row' -%}

with

events as (
    select * from {{ ref('int_events_resolved') }}
),

day_numbers as (
    {{ dbt.generate_series(max_series_days) }}
),

known_events as (
    select
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

user_events as (
    select * from known_events
    where user_id is not null
),

user_event_days as (
    {#- One row per user, event name and occurred day, with the day its first event was known. -#}
    select
        user_id,
        event_name,
        occurred_date,
        count(*) as event_count,
        min(available_date) as first_available_date
    from user_events
    group by
        user_id,
        event_name,
        occurred_date
),

activity_days as (
    select
        user_id,
        occurred_date,
        sum(event_count) as event_count,
        sum(case when event_name = '{{ page_view_event }}' then event_count else 0 end)
            as page_view_count,
        min(first_available_date) as first_available_date
    from user_event_days
    group by
        user_id,
        occurred_date
),

late_event_groups as (
    select
        user_events.user_id,
        user_events.occurred_date,
        user_events.available_date,
        activity_days.first_available_date,
        count(*) as event_count,
        sum(case when user_events.event_name = '{{ page_view_event }}' then 1 else 0 end)
            as page_view_count,
        {{ dbt.datediff('user_events.occurred_date', 'user_events.available_date', 'day') }}
            as late_days
    from user_events
    inner join activity_days
        on
            user_events.user_id = activity_days.user_id
            and user_events.occurred_date = activity_days.occurred_date
    where user_events.available_date > user_events.occurred_date
    group by
        user_events.user_id,
        user_events.occurred_date,
        user_events.available_date,
        activity_days.first_available_date
),

pending_days as (
    {#- Each as-of date on which late events had occurred but were not known yet, with how many
        days before it they occurred. A day is a pending active day until its first event is
        known. -#}
    select
        late_event_groups.user_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'late_event_groups.occurred_date'), 'date'
        ) }} as as_of_date,
        day_offsets.day_offset as days_since_occurred,
        late_event_groups.event_count,
        late_event_groups.page_view_count,
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
        user_id,
        as_of_date,
        {% for measure, window_days, column in output_columns if measure in counted_measures %}
            sum(case when days_since_occurred < {{ window_days }} then {{ measure }} else 0 end)
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from pending_days
    group by
        user_id,
        as_of_date
),

feature_occurrences as (
    {#- Each feature's occurrence days in the order they became known, with the latest occurred
        day known before each one and the next one's available day. -#}
    select
        user_id,
        occurred_date,
        first_available_date,
        max(occurred_date) over (
            partition by user_id, event_name
            order by first_available_date, occurred_date
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_occurred_date,
        lead(first_available_date) over (
            partition by user_id, event_name
            order by first_available_date, occurred_date
        ) as next_available_date
    from user_event_days
    where event_name != '{{ page_view_event }}'
),

feature_runs as (
    {#- Day counts between the dates that decide where a feature's count starts and stops. -#}
    select
        user_id,
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
        from feature_occurrences
    ) as occurrences
),

feature_changes as (
    {#- For window N a feature starts counting when an occurrence becomes known less than N days
        after it occurred while no earlier occurrence still counts (none occurred in the N days
        before); it stops N days after the latest occurrence known, unless the next occurrence
        is known by then. -#}
    select
        user_id,
        first_available_date as change_date,
        {% for window_days in windows %}
            case
                when
                    known_after_days < {{ window_days }}
                    and coalesce(known_after_previous_days >= {{ window_days }}, true)
                    then 1
                else 0
            end as distinct_feature_count_{{ window_days }}d{% if not loop.last %},{% endif %}
        {% endfor %}
    from feature_runs
    where
        known_after_days < {{ largest_window }}
        and coalesce(known_after_previous_days >= {{ smallest_window }}, true)
    {% for window_days in windows %}
        {%- set ending_window = window_days %}

        union all

        select
            user_id,
            {{ dbt.cast(dbt.dateadd('day', window_days, 'latest_occurred_date'), 'date') }}
                as change_date,
            {% for other_window in windows %}
                {{ -1 if other_window == ending_window else 0 }}
                    as distinct_feature_count_{{ other_window }}d{% if not loop.last %},{% endif %}
            {% endfor %}
        from feature_runs
        where
            known_after_latest_days < {{ window_days }}
            and coalesce(next_known_after_latest_days >= {{ window_days }}, true)
    {% endfor %}
),

daily_feature_changes as (
    select
        user_id,
        change_date,
        {% for window_days in windows %}
            sum(distinct_feature_count_{{ window_days }}d)
                as distinct_feature_count_{{ window_days }}d{% if not loop.last %},{% endif %}
        {% endfor %}
    from feature_changes
    group by
        user_id,
        change_date
),

user_ranges as (
    {#- The series starts early enough for every event that can fall in the window of a shown
        as-of date to be in the running totals; earlier rows are dropped at the end. -#}
    select
        user_id,
        min(first_available_date) as first_known_date,
        greatest(
            min(occurred_date),
            {{ dbt.cast(
                dbt.dateadd('day', 1 - largest_window, 'min(first_available_date)'), 'date'
            ) }}
        ) as series_start_date
    from activity_days
    group by user_id
),

series as (
    select
        user_ranges.user_id,
        user_ranges.first_known_date,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'user_ranges.series_start_date'), 'date'
        ) }} as as_of_date
    from user_ranges
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff(
                'user_ranges.series_start_date', 'stream_bounds.last_available_date', 'day'
            ) }}
),

running_totals as (
    select
        series.user_id,
        series.first_known_date,
        series.as_of_date,
        cast(
            sum(coalesce(activity_days.event_count, 0)) over ({{ running_total }})
            as {{ dbt.type_bigint() }}
        ) as event_count_to_date,
        cast(
            sum(case when activity_days.user_id is null then 0 else 1 end) over ({{ running_total }})
            as {{ dbt.type_bigint() }}
        ) as active_day_count_to_date,
        cast(
            sum(coalesce(activity_days.page_view_count, 0)) over ({{ running_total }})
            as {{ dbt.type_bigint() }}
        ) as page_view_count_to_date,
        {% for window_days in windows %}
            {%- set column = 'distinct_feature_count_' ~ window_days ~ 'd' %}
            cast(
                sum(coalesce(daily_feature_changes.{{ column }}, 0)) over ({{ running_total }})
                as {{ dbt.type_bigint() }}
            ) as running_{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from series
    left join activity_days
        on
            series.user_id = activity_days.user_id
            and series.as_of_date = activity_days.occurred_date
    left join daily_feature_changes
        on
            series.user_id = daily_feature_changes.user_id
            and series.as_of_date = daily_feature_changes.change_date
),

windowed as (
    select
        running_totals.user_id,
        running_totals.first_known_date,
        running_totals.as_of_date,
        {% for measure, window_days, column in output_columns %}
            {% if measure in counted_measures %}
                running_totals.{{ measure }}_to_date
                - coalesce(lag(running_totals.{{ measure }}_to_date, {{ window_days }}) over (
                    partition by running_totals.user_id order by running_totals.as_of_date
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
            running_totals.user_id = pending.user_id
            and running_totals.as_of_date = pending.as_of_date
),

final as (
    select
        user_id,
        as_of_date,
        {% for measure, window_days, column in output_columns %}
            cast({{ column }} as {{ dbt.type_bigint() }})
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from windowed
    where as_of_date >= first_known_date
)

select * from final
