{#- Rolling usage per account as of every date, exact and point in time, from the events that
    carried the account as context (context_group_id). Events of internal users (your own staff
    working in a customer's workspace) are left out; anonymous events in the account count, but
    only resolved users are seats.

    The point-in-time rule and the method are those of int_user_usage_windows: an event is known
    on its available date (the later of its occurred date and the date of resolved_received_at);
    as of date d a window of N days covers the events that occurred in (d - N, d] and were known
    by d; each contribution is a +x / -x change at the ends of the as-of dates it counts on, and a
    running total over a dense date series gives every count. For the distinct counts (features,
    seats) a member counts while the latest occurrence known so far is inside the window
    (member_spans), so it is never counted twice. -#}
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
{%- set measures = ['event_count', 'active_day_count', 'active_seat_count', 'distinct_feature_count'] -%}
{%- set member_window_end = dbt.cast(
    dbt.dateadd('day', 'usage_windows.window_days', 'member_spans.occurred_date'), 'date'
) -%}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

day_numbers as (
    {{ dbt.generate_series(max_series_days) }}
),

known_events as (
    select
        account_id,
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

account_events as (
    select
        known_events.account_id,
        known_events.user_id,
        known_events.event_name,
        known_events.occurred_date,
        known_events.available_date
    from known_events
    left join users
        on known_events.user_id = users.user_id
    where
        known_events.account_id is not null
        and not coalesce(users.is_internal, false)
),

event_groups as (
    {#- One row per account, occurred day and available day (on-time events: the same day). The
        group with the earliest available day of an occurred day makes it an active day. -#}
    select
        account_id,
        occurred_date,
        available_date,
        count(*) as event_count,
        case
            when available_date = min(available_date) over (partition by account_id, occurred_date)
                then 1
            else 0
        end as active_day_count
    from account_events
    group by
        account_id,
        occurred_date,
        available_date
),

member_days as (
    {#- The members of the distinct counts: features (event names, page views excluded) and
        seats (resolved users), with the day each occurrence day first became known. -#}
    select
        account_id,
        'feature' as member_type,
        event_name as member_id,
        occurred_date,
        min(available_date) as available_date
    from account_events
    where event_name != '{{ page_view_event }}'
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
        min(available_date) as available_date
    from account_events
    where user_id is not null
    group by
        account_id,
        user_id,
        occurred_date
),

member_occurrences as (
    select
        account_id,
        member_type,
        member_id,
        occurred_date,
        available_date,
        max(occurred_date) over (
            partition by account_id, member_type, member_id
            order by available_date, occurred_date
            rows between unbounded preceding and 1 preceding
        ) as previous_latest_occurred_date
    from member_days
),

member_spans as (
    {#- The occurrences that were the latest known one when they arrived, each in force until
        the next one arrives (superseded_date). -#}
    select
        account_id,
        member_type,
        occurred_date,
        available_date,
        lead(available_date) over (
            partition by account_id, member_type, member_id
            order by available_date, occurred_date
        ) as superseded_date
    from member_occurrences
    where
        previous_latest_occurred_date is null
        or occurred_date > previous_latest_occurred_date
),

intervals as (
    {#- Each contribution with the as-of dates it counts on: [starts_on, ends_before). -#}
    select
        event_groups.account_id,
        usage_windows.window_days,
        event_groups.available_date as starts_on,
        {{ dbt.cast(
            dbt.dateadd('day', 'usage_windows.window_days', 'event_groups.occurred_date'), 'date'
        ) }} as ends_before,
        event_groups.event_count,
        event_groups.active_day_count,
        0 as active_seat_count,
        0 as distinct_feature_count
    from event_groups
    cross join usage_windows

    union all

    select
        member_spans.account_id,
        usage_windows.window_days,
        member_spans.available_date as starts_on,
        least(coalesce(member_spans.superseded_date, {{ member_window_end }}), {{ member_window_end }})
            as ends_before,
        0 as event_count,
        0 as active_day_count,
        case when member_spans.member_type = 'seat' then 1 else 0 end as active_seat_count,
        case when member_spans.member_type = 'feature' then 1 else 0 end as distinct_feature_count
    from member_spans
    cross join usage_windows
),

clipped_intervals as (
    select
        account_id,
        window_days,
        starts_on,
        ends_before,
        {% for measure in measures %}
            {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from intervals
    where starts_on < ends_before
),

changes as (
    select
        account_id,
        window_days,
        starts_on as change_date,
        {% for measure in measures %}
            {{ measure }},
        {% endfor %}
        1 as direction
    from clipped_intervals

    union all

    select
        account_id,
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
        account_id,
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
        account_id,
        change_date
),

account_first_dates as (
    select
        account_id,
        min(available_date) as first_known_date
    from account_events
    group by account_id
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
    {#- Every date from the account's first known event date to the stream's last available
        date. -#}
    select
        account_first_dates.account_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'account_first_dates.first_known_date'), 'date'
        ) }} as as_of_date
    from account_first_dates
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff('account_first_dates.first_known_date', 'stream_bounds.last_available_date', 'day') }}
),

final as (
    select
        series.account_id,
        series.as_of_date,
        {% for measure in measures %}
            {%- set measure_loop = loop %}
            {% for window_days in windows %}
                cast(sum(coalesce(daily_changes.{{ measure }}_{{ window_days }}d, 0)) over (
                    partition by series.account_id
                    order by series.as_of_date
                    rows between unbounded preceding and current row
                ) as {{ dbt.type_bigint() }}) as {{ measure }}_{{ window_days }}d{% if not (loop.last and measure_loop.last) %},{% endif %}
            {% endfor %}
        {% endfor %}
    from series
    left join daily_changes
        on
            series.account_id = daily_changes.account_id
            and series.as_of_date = daily_changes.change_date
)

select * from final
