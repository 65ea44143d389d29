"""Point-in-time correctness of the intermediate usage models (models/intermediate/usage/,
docs/design.md #1).

For every as-of date of the small build, the usage windows and milestones are recomputed directly
from the clean event stream truncated to what was available on that date (an event is available
from the later of its occurred date and the date of its resolved_received_at), with plain filtered
counts, and compared row for row with the models. A recompute that ignores availability must
disagree, so the late-event rule is shown to matter on this data."""

from __future__ import annotations

import re

import pytest

from tests.support import query, scalar

INT = "main_intermediate"
USAGE = f"{INT}.int_usage_windows"
# Each entity's rows of the usage windows, keyed as the recomputes below key them.
USER_USAGE = f"(select *, entity_id as user_id from {USAGE} where entity = 'user')"
ACCOUNT_USAGE = f"(select *, entity_id as account_id from {USAGE} where entity = 'account')"
PAGE_VIEW = "page_viewed"
INVITE_SENT = "teammate_invited"
INVITE_ACCEPTED = "invite_accepted"

# The clean stream with each event's available date, and every as-of date the models cover.
STREAM = f"""
    stream as (
        select
            *,
            greatest(occurred_date, cast(resolved_received_at as date)) as available_date
        from {INT}.int_events_resolved
    ),
    as_of_dates as (
        select cast(unnest(generate_series(
            min(available_date)::timestamp, max(available_date)::timestamp, interval 1 day
        )) as date) as as_of_date
        from stream
    ),
    internal_users as (
        select user_id from {INT}.int_users_profiled where is_internal
    ),
    known as (
        -- one copy of each event per as-of date on which it was already available
        select as_of_dates.as_of_date, stream.*
        from as_of_dates
        inner join stream on stream.available_date <= as_of_dates.as_of_date
    )
"""


@pytest.fixture(scope="module")
def windows(built) -> list[int]:
    """The usage windows the build used, read from the columns it produced."""
    columns = [
        row[0]
        for row in query(
            built.db,
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = 'int_usage_windows'",
            [INT],
        )
    ]
    found = sorted(
        int(match.group(1)) for c in columns if (match := re.fullmatch(r"event_count_(\d+)d", c))
    )
    assert found, columns
    return found


def _in_window(days: int) -> str:
    return f"occurred_date > as_of_date - {days}"


def _mismatches(db, expected_sql: str, relation: str, columns: list[str]) -> tuple[int, int, int]:
    """Rows only in the recompute, rows only in the model, and the model's row count."""
    selected = ", ".join(columns)
    model_sql = f"select {selected} from {relation}"
    only_expected = scalar(
        db,
        f"with {STREAM}, expected as ({expected_sql}) "
        f"select count(*) from (select {selected} from expected except all {model_sql})",
    )
    only_model = scalar(
        db,
        f"with {STREAM}, expected as ({expected_sql}) "
        f"select count(*) from ({model_sql} except all select {selected} from expected)",
    )
    return only_expected, only_model, scalar(db, f"select count(*) from {relation}")


def _user_window_counts(windows: list[int], source: str) -> tuple[str, list[str]]:
    measures = []
    for days in windows:
        window = _in_window(days)
        measures += [
            f"count(*) filter (where {window}) as event_count_{days}d",
            f"count(distinct occurred_date) filter (where {window}) as active_day_count_{days}d",
            f"count(distinct event_name) filter (where {window} and event_name <> '{PAGE_VIEW}')"
            f" as distinct_feature_count_{days}d",
            f"count(*) filter (where {window} and event_name = '{PAGE_VIEW}')"
            f" as page_view_count_{days}d",
        ]
    sql = f"""
        select user_id, as_of_date, {", ".join(measures)}
        from {source}
        where user_id is not null
        group by user_id, as_of_date
    """
    return sql, ["user_id", "as_of_date"] + [m.rsplit(" as ", 1)[1] for m in measures]


def test_user_usage_windows_equal_a_recompute_from_the_data_available_on_each_date(built, windows):
    expected, columns = _user_window_counts(windows, "known")
    only_expected, only_model, rows = _mismatches(built.db, expected, USER_USAGE, columns)
    assert rows > 0
    assert (only_expected, only_model) == (0, 0)
    seats = " or ".join(f"active_seat_count_{days}d is not null" for days in windows)
    assert scalar(built.db, f"select count(*) from {USER_USAGE} where {seats}") == 0


def test_account_usage_windows_equal_a_recompute_from_the_data_available_on_each_date(
    built, windows
):
    measures = []
    for days in windows:
        window = _in_window(days)
        measures += [
            f"count(*) filter (where {window}) as event_count_{days}d",
            f"count(distinct occurred_date) filter (where {window}) as active_day_count_{days}d",
            f"count(distinct user_id) filter (where {window}) as active_seat_count_{days}d",
            f"count(distinct event_name) filter (where {window} and event_name <> '{PAGE_VIEW}')"
            f" as distinct_feature_count_{days}d",
            f"count(*) filter (where {window} and event_name = '{PAGE_VIEW}')"
            f" as page_view_count_{days}d",
        ]
    expected = f"""
        select account_id, as_of_date, {", ".join(measures)}
        from known
        where
            account_id is not null
            and (user_id is null or user_id not in (select user_id from internal_users))
        group by account_id, as_of_date
    """
    columns = ["account_id", "as_of_date"] + [m.rsplit(" as ", 1)[1] for m in measures]
    only_expected, only_model, rows = _mismatches(built.db, expected, ACCOUNT_USAGE, columns)
    assert rows > 0
    assert (only_expected, only_model) == (0, 0)


def test_team_expansion_equals_a_recompute_as_of_each_date(built, windows):
    largest = max(windows)
    expected = f"""
        with
        account_dates as (
            select account_id, as_of_date
            from {INT}.int_account_team_expansion
        ),
        invites as (
            select
                account_id,
                as_of_date,
                count(*) filter (where event_name = '{INVITE_SENT}') as invites_sent_count,
                count(*) filter (where event_name = '{INVITE_ACCEPTED}')
                    as invites_accepted_count,
                count(*) filter (where event_name = '{INVITE_SENT}' and {_in_window(largest)})
                    as invites_sent_count_{largest}d,
                count(*) filter (where event_name = '{INVITE_ACCEPTED}' and {_in_window(largest)})
                    as invites_accepted_count_{largest}d
            from known
            where
                account_id is not null
                and (user_id is null or user_id not in (select user_id from internal_users))
            group by account_id, as_of_date
        ),
        seats as (
            select
                account_dates.account_id,
                account_dates.as_of_date,
                count(*) as seat_count,
                count(distinct users.persona) as department_count
            from account_dates
            inner join {INT}.int_user_accounts_linked as links
                on links.account_id = account_dates.account_id
                and cast(links.first_linked_received_at as date) <= account_dates.as_of_date
                and coalesce(cast(links.first_linked_at as date), account_dates.as_of_date)
                    <= account_dates.as_of_date
            inner join {INT}.int_users_profiled as users
                on users.user_id = links.user_id and not users.is_internal
            group by account_dates.account_id, account_dates.as_of_date
        )
        select
            account_dates.account_id,
            account_dates.as_of_date,
            coalesce(invites.invites_sent_count, 0) as invites_sent_count,
            coalesce(invites.invites_accepted_count, 0) as invites_accepted_count,
            coalesce(invites.invites_sent_count_{largest}d, 0) as invites_sent_count_{largest}d,
            coalesce(invites.invites_accepted_count_{largest}d, 0)
                as invites_accepted_count_{largest}d,
            coalesce(seats.seat_count, 0) as seat_count,
            coalesce(seats.department_count, 0) as department_count
        from account_dates
        left join invites using (account_id, as_of_date)
        left join seats using (account_id, as_of_date)
    """
    columns = [
        "account_id",
        "as_of_date",
        "invites_sent_count",
        "invites_accepted_count",
        f"invites_sent_count_{largest}d",
        f"invites_accepted_count_{largest}d",
        "seat_count",
        "department_count",
    ]
    only_expected, only_model, rows = _mismatches(
        built.db, expected, f"{INT}.int_account_team_expansion", columns
    )
    assert rows > 0
    assert (only_expected, only_model) == (0, 0)
    assert (
        scalar(
            built.db,
            f"select count(*) from {INT}.int_account_team_expansion where invites_sent_count > 0",
        )
        > 0
    )


def test_team_expansion_active_seats_and_growth(built, windows):
    """Active seats are the account windows' (never more than the seats); growth is the change
    in seats over each window (a seat count before the account's first row is 0)."""
    team = f"{INT}.int_account_team_expansion"
    for days in windows:
        assert (
            scalar(
                built.db,
                f"""
            select count(*) from {team} as team
            left join {ACCOUNT_USAGE} as usage
                using (account_id, as_of_date)
            left join {team} as earlier
                on earlier.account_id = team.account_id
                and earlier.as_of_date = team.as_of_date - {days}
            where team.active_seat_count_{days}d <> coalesce(usage.active_seat_count_{days}d, 0)
                or team.active_seat_count_{days}d > team.seat_count
                or team.seat_growth_{days}d <> team.seat_count - coalesce(earlier.seat_count, 0)
            """,
            )
            == 0
        )
    assert scalar(built.db, f"select max(seat_growth_{max(windows)}d) from {team}") > 0


@pytest.mark.parametrize(
    ("entity", "entity_column", "entity_filter"),
    [
        ("user", "user_id", "user_id is not null"),
        (
            "account",
            "account_id",
            "account_id is not null"
            " and (user_id is null or user_id not in (select user_id from internal_users))",
        ),
    ],
)
def test_milestones_reached_as_of_each_date_equal_a_recompute(
    built, entity, entity_column, entity_filter
):
    """`known_date <= d` says exactly which milestones the data available on d showed."""
    expected = f"""
        select distinct known.{entity_column}, milestones.milestone_id, known.as_of_date
        from known
        inner join main_config.activation_milestones as milestones
            on known.event_name = milestones.event_name
        where {entity_filter}
    """
    model = f"""
        select model.entity_id, model.milestone_id, as_of_dates.as_of_date
        from {INT}.int_milestones_reached as model
        inner join as_of_dates on model.known_date <= as_of_dates.as_of_date
        where model.entity = '{entity}'
    """
    differing = scalar(
        built.db,
        f"""
        with {STREAM}, expected as ({expected}), model as ({model})
        select
            (select count(*) from (select * from expected except select * from model))
            + (select count(*) from (select * from model except select * from expected))
        """,
    )
    rows = f"select count(*) from {INT}.int_milestones_reached where entity = '{entity}'"
    assert scalar(built.db, rows) > 0
    assert differing == 0


def test_series_are_dense_up_to_the_latest_available_date(built):
    last = scalar(
        built.db,
        f"""select max(greatest(occurred_date, cast(resolved_received_at as date)))
            from {INT}.int_events_resolved""",
    )
    for relation, entity in (
        ("int_usage_windows", "entity, entity_id"),
        ("int_account_team_expansion", "account_id"),
    ):
        gaps = scalar(
            built.db,
            f"""
            select count(*) from (
                select {entity}
                from {INT}.{relation}
                group by {entity}
                having max(as_of_date) <> ?
                    or count(*) <> date_diff('day', min(as_of_date), max(as_of_date)) + 1
            )
            """,
            [last],
        )
        assert gaps == 0, relation


def test_late_events_exist_and_ignoring_the_rule_would_change_the_windows(built, windows):
    """The data has events that became known days after they occurred (late loads and late
    stitches). Counting every event by its occurred date alone, as a naive rolling window would,
    gives other numbers on some as-of rows; the models do not (the tests above)."""
    late = scalar(
        built.db,
        f"""select count(*) from {INT}.int_events_resolved
            where cast(resolved_received_at as date) > occurred_date and user_id is not null""",
    )
    assert late > 0
    everything_by_occurrence = (
        "(select as_of_dates.as_of_date, stream.* from as_of_dates "
        "inner join stream on stream.occurred_date <= as_of_dates.as_of_date)"
    )
    naive, columns = _user_window_counts(windows, everything_by_occurrence)
    counts = columns[2:]
    differing = scalar(
        built.db,
        f"""
        with {STREAM}, naive as ({naive})
        select count(*)
        from {USER_USAGE} as model
        inner join naive using (user_id, as_of_date)
        where {" or ".join(f"model.{c} <> naive.{c}" for c in counts)}
        """,
    )
    assert differing > 0
