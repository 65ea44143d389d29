{#- Team expansion per account as of every date: invitations, seats, active seats, seat growth
    and departments.

    Invitations are the invite-sent and invite-accepted events (vars pql_invite_sent_event and
    pql_invite_accepted_event) that carried the account as context, internal users' left out.
    They follow the point-in-time rule of the usage windows: an event counts as of d once it is
    known (available date <= d); the windowed counts cover events that occurred in (d - N, d].

    Seats are the account's linked users (int_user_accounts_linked) who are not internal, from the
    day the link was known: the later of the dates of first_linked_at and
    first_linked_received_at (the same rule as for events), and never before the stream's first
    available date. Departments are the distinct personas among the seats (the persona trait
    stands in for a department); the persona is the user's latest, so a persona change rewrites
    history, the one part of this model that is not point in time.

    Active seats are seats with an event in this account in the window; they are taken from
    int_usage_windows (entity 'account': its active seats are non-internal users with events in
    the account, which are always linked to it by then). -#}
{%- set windows = validated_var('pql_usage_windows') -%}
{%- if windows is string or windows | length == 0 or windows | reject('integer') | list
    or windows | select('le', 0) | list -%}
    {{ exceptions.raise_compiler_error(
        "var pql_usage_windows must be a non-empty list of positive whole numbers of days, got "
        ~ windows
    ) }}
{%- endif -%}
{%- set invite_window_days = windows | max -%}
{%- set invite_sent_event = var('pql_invite_sent_event') -%}
{%- set invite_accepted_event = var('pql_invite_accepted_event') -%}
{#- Upper bound of the date series' length: 2^16 days (about 179 years) of loads. -#}
{%- set max_series_days = 65536 -%}
{%- set invites_sent_in_window = 'invites_sent_count_' ~ invite_window_days ~ 'd' -%}
{%- set invites_accepted_in_window = 'invites_accepted_count_' ~ invite_window_days ~ 'd' -%}
{%- set measures = [
    'invites_sent_count',
    'invites_accepted_count',
    invites_sent_in_window,
    invites_accepted_in_window,
    'seat_count',
    'department_count',
] -%}
{%- set running_total = 'partition by series.account_id order by series.as_of_date
                rows between unbounded preceding and current row' -%}

with

events as (
    select * from {{ ref('int_events_resolved') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

usage_windows as (
    select * from {{ ref('int_usage_windows') }}
    where entity = 'account'
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
    select day_numbers.generated_number - 1 as day_offset
    from day_numbers
    cross join stream_bounds
    where day_numbers.generated_number - 1 <= stream_bounds.span_days
),

account_events as (
    select
        known_events.account_id,
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

invites as (
    select
        account_id,
        occurred_date,
        available_date,
        {{ dbt.cast(dbt.dateadd('day', invite_window_days, 'occurred_date'), 'date') }}
            as leaves_window_date,
        case when event_name = {{ sql_string_list([invite_sent_event]) }} then 1 else 0 end
            as invites_sent_count,
        case when event_name = {{ sql_string_list([invite_accepted_event]) }} then 1 else 0 end
            as invites_accepted_count
    from account_events
    where event_name in ({{ sql_string_list([invite_sent_event, invite_accepted_event]) }})
),

seats as (
    {#- A seat counts from the day its link was known: the later of the day its first evidence
        occurred and the day that evidence (or, for a domain link, the user and the account) was
        loaded; a link known before the stream's first available date counts from that date. -#}
    select
        links.account_id,
        users.persona,
        greatest(
            coalesce(
                {{ dbt.cast('links.first_linked_at', 'date') }},
                {{ dbt.cast('links.first_linked_received_at', 'date') }}
            ),
            {{ dbt.cast('links.first_linked_received_at', 'date') }},
            stream_bounds.first_available_date
        ) as seated_date
    from links
    inner join users
        on links.user_id = users.user_id
    cross join stream_bounds
    where
        not users.is_internal
        and links.first_linked_received_at is not null
),

departments as (
    select
        account_id,
        persona,
        min(seated_date) as first_seated_date
    from seats
    where persona is not null
    group by
        account_id,
        persona
),

changes as (
    {#- +1 on the first as-of date each item counts, -1 on the first date it no longer does
        (only invitations in the window ever stop counting). -#}
    select
        account_id,
        available_date as change_date,
        invites_sent_count,
        invites_accepted_count,
        case when available_date < leaves_window_date then invites_sent_count else 0 end
            as {{ invites_sent_in_window }},
        case when available_date < leaves_window_date then invites_accepted_count else 0 end
            as {{ invites_accepted_in_window }},
        0 as seat_count,
        0 as department_count
    from invites

    union all

    select
        account_id,
        leaves_window_date as change_date,
        0 as invites_sent_count,
        0 as invites_accepted_count,
        -1 * invites_sent_count as {{ invites_sent_in_window }},
        -1 * invites_accepted_count as {{ invites_accepted_in_window }},
        0 as seat_count,
        0 as department_count
    from invites
    where available_date < leaves_window_date

    union all

    select
        account_id,
        seated_date as change_date,
        0 as invites_sent_count,
        0 as invites_accepted_count,
        0 as {{ invites_sent_in_window }},
        0 as {{ invites_accepted_in_window }},
        1 as seat_count,
        0 as department_count
    from seats

    union all

    select
        account_id,
        first_seated_date as change_date,
        0 as invites_sent_count,
        0 as invites_accepted_count,
        0 as {{ invites_sent_in_window }},
        0 as {{ invites_accepted_in_window }},
        0 as seat_count,
        1 as department_count
    from departments
),

daily_changes as (
    select
        account_id,
        change_date,
        {% for measure in measures %}
            sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from changes
    group by
        account_id,
        change_date
),

account_ranges as (
    {#- From the account's first known event or first seat, whichever comes first. -#}
    select
        account_id,
        min(first_date) as first_date
    from (
        select
            account_id,
            available_date as first_date
        from account_events
        union all
        select
            account_id,
            seated_date as first_date
        from seats
    ) as first_dates
    group by account_id
),

series as (
    select
        account_ranges.account_id,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'account_ranges.first_date'), 'date'
        ) }} as as_of_date
    from account_ranges
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff(
                'account_ranges.first_date', 'stream_bounds.last_available_date', 'day'
            ) }}
),

running_totals as (
    select
        series.account_id,
        series.as_of_date,
        {% for measure in measures %}
            cast(
                sum(coalesce(daily_changes.{{ measure }}, 0)) over ({{ running_total }})
                as {{ dbt.type_bigint() }}
            ) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from series
    left join daily_changes
        on
            series.account_id = daily_changes.account_id
            and series.as_of_date = daily_changes.change_date
),

final as (
    select
        running_totals.account_id,
        running_totals.as_of_date,
        running_totals.invites_sent_count,
        running_totals.invites_accepted_count,
        running_totals.{{ invites_sent_in_window }},
        running_totals.{{ invites_accepted_in_window }},
        running_totals.seat_count,
        {% for window_days in windows %}
            cast(
                coalesce(usage_windows.active_seat_count_{{ window_days }}d, 0)
                as {{ dbt.type_bigint() }}
            ) as active_seat_count_{{ window_days }}d,
        {% endfor %}
        {% for window_days in windows %}
            running_totals.seat_count
            - coalesce(lag(running_totals.seat_count, {{ window_days }}) over (
                partition by running_totals.account_id order by running_totals.as_of_date
            ), 0) as seat_growth_{{ window_days }}d,
        {% endfor %}
        running_totals.department_count
    from running_totals
    left join usage_windows
        on
            running_totals.account_id = usage_windows.entity_id
            and running_totals.as_of_date = usage_windows.as_of_date
)

select * from final
