{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key=['account_id', 'as_of_date'],
        on_schema_change='fail',
        meta={'test_window_column': 'last_resolved_received_at'},
        post_hook="{% if target.type != 'spark' %}delete from {{ this }} where as_of_date < (
            select max(latest.first_known_date) from {{ this }} as latest
            where latest.account_id = {{ this.identifier }}.account_id
        ){% endif %}",
    )
}}
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
    the account, which are always linked to it by then).

    Incremental (docs/team_expansion.md): an account whose seats changed (seats_fingerprint:
    a link, a persona, an internal flag) or that is new is recomputed whole; an account with
    events resolved since the watermark (last_resolved_received_at, less pql_lookback_days) from
    the earliest day one of them occurred; every other account only gets the new dates. A
    recomputed date carries the stored counts of the day before. -#}
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

{%- set largest_window = invite_window_days -%}
{%- set invite_measures = measures[:4] -%}
{%- set read_back = dbt.cast(dbt.dateadd('day', -1 * largest_window, 'plans.from_date'), 'date') -%}

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
        resolved_received_at,
        greatest(
            occurred_date,
            {{ dbt.cast('resolved_received_at', 'date') }}
        ) as available_date
    from events
),

stream_bounds as (
    select
        min(available_date) as first_available_date,
        max(available_date) as last_available_date
    from known_events
),

seats as (
    {#- A seat counts from the day its link was known: the later of the day its first evidence
        occurred and the day that evidence (or, for a domain link, the user and the account) was
        loaded; a link known before the stream's first available date counts from that date. -#}
    select
        links.account_id,
        links.user_id,
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

seat_fingerprints as (
    {#- what the account's seats and departments depend on, in one value: a change to any seat
        (a link, a persona, an internal flag, the stream's first date) changes it -#}
    select
        account_id,
        {{ dbt.hash(pql_ordered_listagg(
            dbt.concat([
                'user_id', "'|'", "coalesce(persona, '')", "'|'",
                dbt.cast('seated_date', dbt.type_string()),
            ]),
            "','",
            'user_id',
        )) }} as seats_fingerprint
    from seats
    group by account_id
),

{% if is_incremental() %}
    stored_bounds as (
        select
            max(as_of_date) as last_stored_date,
            {{ dbt.cast(dbt.dateadd('day', 1, 'max(as_of_date)'), 'date') }} as next_date
        from {{ this }}
    ),

    stored_last as (
        {#- every stored account has a row on the last stored date (series end together) -#}
        select
            stored.account_id,
            stored.seats_fingerprint
        from {{ this }} as stored
        cross join stored_bounds
        where stored.as_of_date = stored_bounds.last_stored_date
    ),

    touched_accounts as (
        {#- from the earliest day an event resolved since the watermark occurred: one resolved
            again (stitched, attributed) had counted from a later available date, never before
            it occurred -#}
        select
            account_id,
            min(occurred_date) as touched_from_date
        from known_events
        where
            account_id is not null
            and resolved_received_at > {{ incremental_since('last_resolved_received_at') }}
        group by account_id
    ),

    plan_accounts as (
        select account_id from stored_last
        union
        select account_id from seat_fingerprints
        union
        select account_id from touched_accounts
    ),

    plans as (
        {#- whole: a new account, or one whose seats changed; else from the earliest touched
            day, or only the new dates -#}
        select
            plan_accounts.account_id,
            case
                when stored_last.account_id is null then true
                when
                    coalesce(stored_last.seats_fingerprint, '')
                    = coalesce(seat_fingerprints.seats_fingerprint, '')
                    then false
                else true
            end as is_whole,
            case
                when touched_accounts.touched_from_date < stored_bounds.next_date
                    then touched_accounts.touched_from_date
                else stored_bounds.next_date
            end as from_date
        from plan_accounts
        cross join stored_bounds
        left join stored_last
            on plan_accounts.account_id = stored_last.account_id
        left join seat_fingerprints
            on plan_accounts.account_id = seat_fingerprints.account_id
        left join touched_accounts
            on plan_accounts.account_id = touched_accounts.account_id
    ),

    carried as (
        {#- the stored row of the day before an account's first recomputed date -#}
        select
            stored.account_id,
            {% for measure in invite_measures %}
                stored.{{ measure }},
            {% endfor %}
            stored.first_known_date,
            stored.last_resolved_received_at
        from {{ this }} as stored
        inner join plans
            on stored.account_id = plans.account_id
        where
            not plans.is_whole
            and stored.as_of_date = {{ dbt.cast(dbt.dateadd('day', -1, 'plans.from_date'), 'date') }}
    ),
{% endif %}

account_events as (
    {#- the account's events (all on a full build; on an incremental run all of a whole
        account's, else those known from its first recomputed date and the invitations still
        in the window there) -#}
    select
        known_events.account_id,
        known_events.event_name,
        known_events.occurred_date,
        known_events.available_date,
        known_events.resolved_received_at
    from known_events
    {% if is_incremental() -%}
        inner join plans
            on known_events.account_id = plans.account_id
    {%- endif %}
    left join internal_users
        on known_events.user_id = internal_users.user_id
    where
        known_events.account_id is not null
        and internal_users.user_id is null
    {% if is_incremental() %}
        and (
            plans.is_whole
            or known_events.available_date >= plans.from_date
            or (
                known_events.occurred_date >= {{ read_back }}
                and known_events.event_name
                in ({{ sql_string_list([invite_sent_event, invite_accepted_event]) }})
            )
        )
    {% endif %}
),

account_first_dates as (
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

ranges as (
    {#- per account: its first known date, the first date written and where the series starts
        (early enough for seat growth's look back) -#}
    {% if is_incremental() %}
        select
            plans.account_id,
            case when plans.is_whole then null else plans.from_date end as from_date,
            case
                when plans.is_whole then account_first_dates.first_date
                else coalesce(carried.first_known_date, account_first_dates.first_date)
            end as first_known_date
        from plans
        left join carried
            on plans.account_id = carried.account_id
        left join account_first_dates
            on plans.account_id = account_first_dates.account_id
    {% else %}
        select
            account_id,
            {{ dbt.cast('null', 'date') }} as from_date,
            first_date as first_known_date
        from account_first_dates
    {% endif %}
),

series_ranges as (
    select
        ranges.account_id,
        ranges.first_known_date,
        ranges.from_date,
        case
            when ranges.from_date is null then ranges.first_known_date
            when ranges.from_date > ranges.first_known_date then ranges.from_date
            else ranges.first_known_date
        end as output_from_date,
        coalesce(
            {{ dbt.cast(dbt.dateadd('day', -1 * largest_window, 'ranges.from_date'), 'date') }},
            ranges.first_known_date
        ) as series_start_date
    from ranges
    cross join stream_bounds
    where
        ranges.first_known_date is not null
        and coalesce(ranges.from_date, ranges.first_known_date) <= stream_bounds.last_available_date
),

day_offsets as (
    {#- as many days as the longest series (a recomputed date can lie before the stream's first
        available date: an event stitched late had occurred before it) -#}
    select day_numbers.generated_number - 1 as day_offset
    from day_numbers
    where day_numbers.generated_number - 1 <= (
        select
            max({{ dbt.datediff(
                'series_ranges.series_start_date', 'stream_bounds.last_available_date', 'day'
            ) }})
        from series_ranges
        cross join stream_bounds
    )
),

series as (
    select
        series_ranges.account_id,
        series_ranges.from_date,
        series_ranges.series_start_date,
        {{ dbt.cast(
            dbt.dateadd('day', 'day_offsets.day_offset', 'series_ranges.series_start_date'), 'date'
        ) }} as as_of_date
    from series_ranges
    cross join stream_bounds
    inner join day_offsets
        on
            day_offsets.day_offset
            <= {{ dbt.datediff(
                'series_ranges.series_start_date', 'stream_bounds.last_available_date', 'day'
            ) }}
),

invites as (
    select
        account_events.account_id,
        account_events.available_date,
        {{ dbt.cast(dbt.dateadd('day', invite_window_days, 'account_events.occurred_date'), 'date') }}
            as leaves_window_date,
        series_ranges.from_date,
        case when account_events.event_name = {{ sql_string_list([invite_sent_event]) }} then 1 else 0 end
            as invites_sent_count,
        case when account_events.event_name = {{ sql_string_list([invite_accepted_event]) }} then 1 else 0 end
            as invites_accepted_count
    from account_events
    inner join series_ranges
        on account_events.account_id = series_ranges.account_id
    where account_events.event_name in ({{ sql_string_list([invite_sent_event, invite_accepted_event]) }})
),

seat_bases as (
    {#- seats and departments are known whole: those seated before the series start -#}
    select
        series_ranges.account_id,
        sum(case when seats.seated_date < series_ranges.series_start_date then 1 else 0 end)
            as seat_count,
        count(distinct case
            when seats.seated_date < series_ranges.series_start_date then seats.persona
        end) as department_count
    from series_ranges
    inner join seats
        on series_ranges.account_id = seats.account_id
    group by series_ranges.account_id
),

changes as (
    {#- +1 on the first as-of date each item counts, -1 on the first date it no longer does
        (only invitations in the window ever stop counting); an invitation's change before an
        account's first recomputed date is in the stored row carried from the day before. -#}
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
    where from_date is null or available_date >= from_date

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
    where
        available_date < leaves_window_date
        and (from_date is null or leaves_window_date >= from_date)

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

known_days as (
    {#- the latest resolved_received_at of the account's events known from each day -#}
    select
        account_id,
        available_date,
        max(resolved_received_at) as last_resolved_received_at
    from account_events
    group by
        account_id,
        available_date
),

running_totals as (
    select
        series.account_id,
        series.as_of_date,
        {% for measure in measures %}
            sum(coalesce(daily_changes.{{ measure }}, 0)) over ({{ running_total }})
                as running_{{ measure }},
        {% endfor %}
        max(known_days.last_resolved_received_at) over ({{ running_total }})
            as running_received_at
    from series
    left join daily_changes
        on
            series.account_id = daily_changes.account_id
            and series.as_of_date = daily_changes.change_date
    left join known_days
        on
            series.account_id = known_days.account_id
            and series.as_of_date = known_days.available_date
),

totals as (
    select
        running_totals.account_id,
        running_totals.as_of_date,
        {% for measure in invite_measures %}
            cast(
                {% if is_incremental() %}coalesce(carried.{{ measure }}, 0) + {% endif -%}
                running_totals.running_{{ measure }}
                as {{ dbt.type_bigint() }}
            ) as {{ measure }},
        {% endfor %}
        {% for measure in ['seat_count', 'department_count'] %}
            cast(
                coalesce(seat_bases.{{ measure }}, 0) + running_totals.running_{{ measure }}
                as {{ dbt.type_bigint() }}
            ) as {{ measure }},
        {% endfor %}
        {% if is_incremental() %}
            greatest(
                coalesce(carried.last_resolved_received_at, running_totals.running_received_at),
                coalesce(running_totals.running_received_at, carried.last_resolved_received_at)
            ) as last_resolved_received_at
        {% else %}
            running_totals.running_received_at as last_resolved_received_at
        {% endif %}
    from running_totals
    left join seat_bases
        on running_totals.account_id = seat_bases.account_id
    {% if is_incremental() -%}
        left join carried
            on running_totals.account_id = carried.account_id
    {%- endif %}
),

with_growth as (
    select
        totals.*,
        {% for window_days in windows %}
            totals.seat_count
            - coalesce(lag(totals.seat_count, {{ window_days }}) over (
                partition by totals.account_id order by totals.as_of_date
            ), 0) as seat_growth_{{ window_days }}d{% if not loop.last %},{% endif %}
        {% endfor %}
    from totals
),

final as (
    select
        with_growth.account_id,
        with_growth.as_of_date,
        with_growth.invites_sent_count,
        with_growth.invites_accepted_count,
        with_growth.{{ invites_sent_in_window }},
        with_growth.{{ invites_accepted_in_window }},
        with_growth.seat_count,
        {% for window_days in windows %}
            cast(
                coalesce(usage_windows.active_seat_count_{{ window_days }}d, 0)
                as {{ dbt.type_bigint() }}
            ) as active_seat_count_{{ window_days }}d,
        {% endfor %}
        {% for window_days in windows %}
            with_growth.seat_growth_{{ window_days }}d,
        {% endfor %}
        with_growth.department_count,
        series_ranges.first_known_date,
        seat_fingerprints.seats_fingerprint,
        with_growth.last_resolved_received_at
    from with_growth
    inner join series_ranges
        on with_growth.account_id = series_ranges.account_id
    left join seat_fingerprints
        on with_growth.account_id = seat_fingerprints.account_id
    left join usage_windows
        on
            with_growth.account_id = usage_windows.entity_id
            and with_growth.as_of_date = usage_windows.as_of_date
    where with_growth.as_of_date >= series_ranges.output_from_date
)

select * from final
