{#- Rolling usage per user as of every date, exact and point in time.

    An event is known on its available date: the later of the day it occurred and the day its
    row reached its current form (resolved_received_at: its load, or the stitch that attributed
    an anonymous event to the user). As of date d, a window of N days covers the events that
    occurred in (d - N, d] and were known by d. So a late event never changes an earlier as-of
    row; it counts from the day it arrived, if it is still inside the window.

    How: every contribution to a window count holds over one interval of as-of dates, so it is
    written as +x on the day it starts and -x on the day after it ends; a running total of these
    changes over a dense date series gives every count for every date in one pass.
      - events and page views of an (occurred day, available day) group count from the
        available day until N days after the occurred day;
      - an active day counts from the day its first event became known, likewise;
      - a feature (event name, page views excluded) counts while the latest occurrence known so
        far is inside the window: each time a newer occurrence becomes known it takes over
        (feature_spans), so a feature is never counted twice and distinct counts stay exact.
    The series runs from the user's first known event date to the latest available date in the
    stream, so "as of any date" is one lookup. -#}
{%- set windows = var('pql_usage_windows') -%}
{%- if windows is string or windows | length == 0 or windows | reject('integer') | list
    or windows | select('le', 0) | list -%}
    {{ exceptions.raise_compiler_error(
        "var pql_usage_windows must be a non-empty list of positive whole numbers of days, got "
        ~ windows
    ) }}
{%- endif -%}
{%- set page_view_event = 'page_viewed' -%}
{#- Upper bound of the date series' length: 2^16 days (about 179 years) of loads. -#}
{%- set max_series_days = 65536 -%}
{%- set measures = ['event_count', 'active_day_count', 'distinct_feature_count', 'page_view_count'] -%}
{%- set feature_window_end = dbt.cast(
    dbt.dateadd('day', 'usage_windows.window_days', 'feature_spans.occurred_date'), 'date'
) -%}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

day_numbers as (
    {{ dbt.generate_series(max_series_days) }}
),

known_events as (
    select
        user_id,
        event_name,
        occurred_date,
        greatest(occurred_date, {{ dbt.cast('resolved_received_at', 'date') }}) as available_date
    from events
),

stream_bounds as (
    select
        min(available_date) as first_available_date,
        max(available_date) as last_available_date
    from known_events
),

usage_windows as (
    {% for window_days in windows %}
        select {{ window_days }} as window_days
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

user_events as (
    select * from known_events
    where user_id is not null
),

event_groups as (
    {#- One row per user, occurred day and available day (on-time events: the same day). The
        group with the earliest available day of an occurred day makes it an active day. -#}
    select
        user_id,
        occurred_date,
        available_date,
        count(*) as event_count,
        sum(case when event_name = '{{ page_view_event }}' then 1 else 0 end) as page_view_count,
        case
            when available_date = min(available_date) over (partition by user_id, occurred_date)
                then 1
            else 0
        end as active_day_count
    from user_events
    group by
        user_id,
        occurred_date,
        available_date
),

feature_days as (
    select
        user_id,
        event_name,
        occurred_date,
        min(available_date) as available_date
    from user_events
    where event_name != '{{ page_view_event }}'
    group by
        user_id,
        event_name,
        occurred_date
),

feature_occurrences as (
    select
        user_id,
        event_name,
        occurred_date,
        available_date,
        max(occurred_date) over (
            partition by user_id, event_name
            order by available_date, occurred_date
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_occurred_date
    from feature_days
),

feature_spans as (
    {#- The occurrences that were the latest known one when they arrived, each in force until
        the next one arrives (superseded_date). -#}
    select
        user_id,
        event_name,
        occurred_date,
        available_date,
        lead(available_date) over (
            partition by user_id, event_name
            order by available_date, occurred_date
        ) as superseded_date
    from feature_occurrences
    where
        previous_latest_occurred_date is null
        or occurred_date > previous_latest_occurred_date
),

intervals as (
    {#- Each contribution with the as-of dates it counts on: [starts_on, ends_before). -#}
    select
        event_groups.user_id,
        usage_windows.window_days,
        event_groups.available_date as starts_on,
        {{ dbt.cast(
            dbt.dateadd('day', 'usage_windows.window_days', 'event_groups.occurred_date'), 'date'
        ) }} as ends_before,
        event_groups.event_count,
        event_groups.active_day_count,
        0 as distinct_feature_count,
        event_groups.page_view_count
    from event_groups
    cross join usage_windows

    union all

    select
        feature_spans.user_id,
        usage_windows.window_days,
        feature_spans.available_date as starts_on,
        least(coalesce(feature_spans.superseded_date, {{ feature_window_end }}), {{ feature_window_end }})
            as ends_before,
        0 as event_count,
        0 as active_day_count,
        1 as distinct_feature_count,
        0 as page_view_count
    from feature_spans
    cross join usage_windows
),

clipped_intervals as (
    select
        user_id,
        window_days,
        starts_on,
        ends_before,
        event_count,
        active_day_count,
        distinct_feature_count,
        page_view_count
    from intervals
    where starts_on < ends_before
),

changes as (
    select
        user_id,
        window_days,
        starts_on as change_date,
        {% for measure in measures %}
            {{ measure }},
        {% endfor %}
        1 as direction
    from clipped_intervals

    union all

    select
        user_id,
        window_days,
        ends_before as change_date,
        {% for measure in measures %}
            {{ measure }},
        {% endfor %}
        -1 as direction
    from clipped_intervals
),

daily_changes as (
    select
        user_id,
        change_date,
        {% for measure in measures %}
            {%- set measure_loop = loop %}
            {% for window_days in windows %}
                sum(
                    case when window_days = {{ window_days }} then direction * {{ measure }} else 0 end
                ) as {{ measure }}_{{ window_days }}d{% if not (loop.last and measure_loop.last) %},{% endif %}
            {% endfor %}
        {% endfor %}
    from changes
    group by
        user_id,
        change_date
),

user_first_dates as (
    select
        user_id,
        min(available_date) as first_known_date
    from user_events
    group by user_id
),

day_offsets as (
    select day_numbers.generated_number - 1 as day_offset
    from day_numbers
    cross join stream_bounds
    where
        day_numbers.generated_number - 1
        <= {{ dbt.datediff('stream_bounds.first_available_date', 'stream_bounds.last_available_date', 'day') }}
),

series as (
    {#- Every date from the user's first known event date to the stream's last available date. -#}
    select
        user_first_dates.user_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'user_first_dates.first_known_date'), 'date'
        ) }} as as_of_date
    from user_first_dates
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff('user_first_dates.first_known_date', 'stream_bounds.last_available_date', 'day') }}
),

final as (
    select
        series.user_id,
        series.as_of_date,
        {% for measure in measures %}
            {%- set measure_loop = loop %}
            {% for window_days in windows %}
                cast(sum(coalesce(daily_changes.{{ measure }}_{{ window_days }}d, 0)) over (
                    partition by series.user_id
                    order by series.as_of_date
                    rows between unbounded preceding and current row
                ) as {{ dbt.type_bigint() }}) as {{ measure }}_{{ window_days }}d{% if not (loop.last and measure_loop.last) %},{% endif %}
            {% endfor %}
        {% endfor %}
    from series
    left join daily_changes
        on
            series.user_id = daily_changes.user_id
            and series.as_of_date = daily_changes.change_date
)

select * from final
