"""Incremental equals full refresh (docs/design.md #3), with late events, a late identify and
a late duplicate arriving after the first build; and load-time hygiene: rows with a load time
that is missing, before 2000 or in 2099, and an event time in year 1, arrive after the first
build and must neither vanish nor poison the watermark; a row loaded behind the lookback is
listed and warned about."""

from __future__ import annotations

import re
from datetime import timedelta

import duckdb
import pytest

from tests.support import REPO_ROOT, build_from_scratch, copy_raw, query, run_dbt, scalar

INCREMENTAL_MODELS = (
    "main_intermediate.int_identities_observed",
    "main_intermediate.int_event_rows_classified",
    "main_intermediate.int_events_resolved",
    "main_intermediate.int_activity_daily",
    "main_intermediate.int_milestones_reached",
    "main_intermediate.int_usage_windows",
    "main_intermediate.int_signal_contributions_daily",
    "main_intermediate.int_pql_signal_intervals",
    "main_intermediate.int_pql_score_changes",
    "main_intermediate.int_account_team_expansion",
    "main_intermediate.int_learned_score_features",
    "main_intermediate.int_pql_qualification_runs",
    "main_intermediate.int_pql_statuses_debounced",
    "main_intermediate.int_pql_statuses_debounced_sql",
    "main_intermediate.int_pql_states_evaluated",
    "main_intermediate.int_pql_states_current",
)
# Incremental models whose rows stored before the last run must change on it (the planted late
# rows touch them), and the columns that key a row: the test compares the rows stored before
# the last run with those after it.
RECOMPUTED_BEFORE_LAST_RUN = {
    "main_intermediate.int_account_team_expansion": ("account_id", "as_of_date"),
    "main_intermediate.int_learned_score_features": ("definition_id", "entity_id", "as_of_date"),
}
ENGINE_MODELS = tuple(m for m in INCREMENTAL_MODELS if "pql" in m or "signal" in m)
# The engine models and what lies between them and the current state (with the SQL twin of
# the anti-flapping rule, which the state history does not read on DuckDB).
ENGINE_SELECTION = (
    "int_signal_contributions_daily+,+int_pql_states_current int_pql_statuses_debounced_sql"
)
DOWNSTREAM = (
    "main_intermediate.int_events_rejected",
    "main_intermediate.int_anonymous_ids_stitched",
    "main_intermediate.int_user_account_evidence_collected",
    "main_intermediate.int_user_accounts_linked",
    "main_intermediate.int_event_account_sources_counted",
    "main_marts.dim_users",
    "main_marts.dim_accounts",
    "main_intermediate.int_funnel_steps",
    "main_marts.fct_user_funnel",
    "main_marts.fct_account_funnel",
)
# What the PostgreSQL and Spark suites compare: the same relations less the Python models,
# which those targets disable (their SQL twins are compared instead).
COMPARED_WITHOUT_PYTHON = tuple(
    name
    for name in INCREMENTAL_MODELS + DOWNSTREAM
    if not any(REPO_ROOT.glob(f"models/**/{name.split('.')[1]}.py"))
)

STATE_HISTORY = "main_intermediate.int_pql_states_evaluated"

# Tracks appended right after the first build, each with a bad load or event time, and the
# reason each must be rejected with (on the incremental and the full-refresh build alike).
BAD_TIME_ROWS = {
    "load-2099": ("2099-01-01 00:00:00", "2026-01-01T00:00:00Z", "future_load_time"),
    "load-null": (None, "2026-01-01T00:00:00Z", "missing_load_time"),
    "load-1899": ("1899-12-31 00:00:00", "2026-01-01T00:00:00Z", "implausible_load_time"),
    "event-year-1": ("first_cut", "0001-01-01T00:00:00Z", "implausible_timestamp"),
}


def _rows_differing(inc_db, full_db, relation: str) -> tuple[int, int]:
    with duckdb.connect(str(inc_db)) as con:
        con.execute(f"attach '{full_db}' as full_build (read_only)")
        only_inc = con.execute(
            f"select count(*) from (select * from {relation} "
            f"except all select * from full_build.{relation})"
        ).fetchone()[0]
        only_full = con.execute(
            f"select count(*) from (select * from full_build.{relation} "
            f"except all select * from {relation})"
        ).fetchone()[0]
    return only_inc, only_full


def _inject_late_rows(db, late_received_at, lookback_days: int) -> dict:
    """Add, received after the last cut: an identify that claims an anonymous id seen only
    before the first build (a late identify), a duplicate of an early event with another
    payload, and an event that happened long before the lookback window (a late event)."""
    with duckdb.connect(str(db)) as con:
        anonymous_id, first_seen = con.execute(
            """
            with anonymous_only as (
                select anonymous_id, min(received_at) as first_received_at
                from (
                    select anonymous_id, user_id, received_at from raw.tracks
                    union all
                    select anonymous_id, user_id, received_at from raw.pages
                    union all
                    select anonymous_id, user_id, received_at from raw.identifies
                    union all
                    select anonymous_id, user_id, received_at from raw.groups
                ) as seen
                where anonymous_id is not null
                group by anonymous_id
                having count(user_id) = 0
            )
            select anonymous_id, first_received_at from anonymous_only
            order by first_received_at, anonymous_id
            limit 1
            """
        ).fetchone()
        user_id = con.execute(
            "select min(user_id) from raw.identifies where user_id is not null"
        ).fetchone()[0]
        con.execute(
            """
            insert into raw.identifies
                (id, anonymous_id, user_id, timestamp, received_at, email, traits)
            values ('late-identify-1', ?, ?, strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?,
                    null, null)
            """,
            [anonymous_id, user_id, late_received_at, late_received_at],
        )
        duplicated_id = con.execute(
            """
            select id from raw.tracks
            where user_id is not null and received_at = (
                select min(received_at) from raw.tracks where received_at >= '2000-01-01'
            )
            order by id limit 1
            """
        ).fetchone()[0]
        con.execute(
            """
            insert into raw.tracks
            select id, anonymous_id, user_id, event, timestamp, ?, context_group_id,
                   '{"late_copy": true}'
            from raw.tracks where id = ? limit 1
            """,
            [late_received_at, duplicated_id],
        )
        old_event_at = late_received_at - timedelta(days=lookback_days * 5)
        con.execute(
            """
            insert into raw.tracks
            select 'late-event-1', anonymous_id, user_id, 'Project Created',
                   strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, context_group_id, '{}'
            from raw.tracks
            where user_id is not null and context_group_id is not null
            order by id limit 1
            """,
            [old_event_at, late_received_at],
        )
        # A track the CDP sent without a message id: rejected, never a failed build.
        con.execute(
            """
            insert into raw.tracks
            select null, anonymous_id, user_id, 'Project Created',
                   strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, context_group_id, '{}'
            from raw.tracks
            where user_id is not null
            order by id limit 1
            """,
            [late_received_at, late_received_at],
        )
        # The retry of a message whose first copy (loaded before the first build) was rejected.
        con.execute(
            """
            insert into raw.tracks
            select 'retried-1', anonymous_id, user_id, 'Project Created',
                   strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, context_group_id, '{}'
            from raw.tracks
            where user_id is not null
            order by id limit 1
            """,
            [late_received_at, late_received_at],
        )
    return {
        "anonymous_id": anonymous_id,
        "user_id": user_id,
        "first_seen": first_seen,
        "duplicated_id": duplicated_id,
    }


def _inject_late_group_call(db, late_received_at, loaded_through) -> dict:
    """Add a group call, loaded now but sent before a user's first events, that puts the user
    in a new workspace. Their events without context loaded before `loaded_through` that no
    link covered (they happened before the user's first link started) now have exactly one
    account: the late link changes their attribution."""
    with duckdb.connect(str(db)) as con:
        user_id, first_event_at = con.execute(
            """
            select user_id, min(occurred_at)
            from main_intermediate.int_events_resolved
            where account_source = 'no_account' and user_id is not null and received_at <= ?
            group by user_id
            order by count(*) desc, user_id
            limit 1
            """,
            [loaded_through],
        ).fetchone()
        sent_at = first_event_at - timedelta(hours=1)
        con.execute(
            """
            insert into raw.groups
                (id, anonymous_id, user_id, group_id, timestamp, received_at, traits)
            values ('late-group-1', null, ?, 'late-account-1',
                    strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, '{"name": "Late Co"}')
            """,
            [user_id, sent_at, late_received_at],
        )
    return {"linked_user_id": user_id, "linked_at": late_received_at}


def _inject_late_context_event(db, late_received_at, loaded_through, other_than) -> dict:
    """Add a track with context for a user's only account, sent two days before one of the
    user's events without context that no link covered (loaded before `loaded_through`), and
    loaded only now: received weeks after it happened. It moves the start of the user's link
    back, so the uncovered event now counts for the account, known from this load; its day is
    not the late track's own day, so only that attribution brings the day back."""
    with duckdb.connect(str(db)) as con:
        user_id, account_id, event_id, anonymous_id, occurred_at, occurred_date = con.execute(
            """
            with only_account as (
                select user_id, min(account_id) as account_id, min(first_linked_at) as linked_at
                from main_intermediate.int_user_accounts_linked
                group by user_id
                having count(*) = 1
            )
            select events.user_id, only_account.account_id, events.event_id,
                   events.anonymous_id, events.occurred_at, events.occurred_date
            from main_intermediate.int_events_resolved as events
            inner join only_account on events.user_id = only_account.user_id
            where events.account_source = 'no_account' and events.received_at <= ?
              and events.occurred_at < only_account.linked_at and events.user_id != ?
            order by events.received_at, events.event_id
            limit 1
            """,
            [loaded_through, other_than],
        ).fetchone()
        sent_at = occurred_at - timedelta(days=2)
        con.execute(
            """
            insert into raw.tracks
            values ('late-context-1', ?, ?, 'Project Created',
                    strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, ?, '{}')
            """,
            [anonymous_id, user_id, sent_at, late_received_at, account_id],
        )
    return {
        "context_user_id": user_id,
        "context_account_id": account_id,
        "uncovered_event_id": event_id,
        "uncovered_date": occurred_date,
        "context_loaded_at": late_received_at,
        "days_late": (late_received_at - sent_at).days,
    }


LATE_COMMITTED_REPORTS = 3


def _user_without_reports_shared(db, at) -> str:
    """A user whose events count for self_serve_to_paid, with a track that has an account, and
    who shared no report in the 14 days up to `at` (as built so far)."""
    return scalar(
        db,
        """
        select contributions.entity_id
        from main_intermediate.int_signal_contributions_daily as contributions
        inner join raw.tracks on contributions.entity_id = tracks.user_id
        where contributions.definition_id = 'self_serve_to_paid'
          and tracks.context_group_id is not null
          and contributions.entity_id not in (
              select user_id from main_intermediate.int_events_resolved
              where event_name = 'report_shared' and user_id is not null
                and occurred_date between ?::date - 13 and ?::date
          )
        group by contributions.entity_id
        order by count(*) desc, contributions.entity_id
        limit 1
        """,
        [at, at],
    )


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory, small_raw):
    lookback_days = 3
    max_received = scalar(small_raw, "select max(received_at) from raw.tracks")
    first_cut = max_received - timedelta(days=15)
    second_cut = max_received - timedelta(days=6)

    inc_dir = tmp_path_factory.mktemp("incremental")
    inc_db = inc_dir / "pql.duckdb"
    copy_raw(small_raw, inc_db, received_through=str(first_cut))
    with duckdb.connect(str(inc_db)) as con:
        # First copy of 'retried-1': no identity at all, so it is rejected.
        con.execute(
            """
            insert into raw.tracks
            values ('retried-1', null, null, 'Project Created',
                    strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, null, '{}')
            """,
            [first_cut - timedelta(days=1), first_cut - timedelta(days=1)],
        )
    build_from_scratch(inc_db, inc_dir)
    with duckdb.connect(str(inc_db)) as con:
        for message_id, (received_at, sent_at, _) in BAD_TIME_ROWS.items():
            if received_at == "first_cut":
                received_at = first_cut + timedelta(hours=1)
            con.execute(
                """
                insert into raw.tracks
                select ?, anonymous_id, user_id, 'Project Created', ?, ?, context_group_id, '{}'
                from raw.tracks
                where user_id is not null
                order by id limit 1
                """,
                [message_id, sent_at, received_at],
            )
    copy_raw(small_raw, inc_db, received_after=str(first_cut), received_through=str(second_cut))
    run_dbt(["run"], inc_db, inc_dir)
    # The watermark is not poisoned by the 2099 row: this run classified every row of the batch.
    second_batch = query(
        inc_db,
        """select
               (select count(*) from raw.tracks where received_at > ? and received_at <= ?),
               (select count(*) from main_intermediate.int_event_rows_classified
                where event_source = 'track' and received_at > ? and received_at <= ?)""",
        [first_cut, second_cut, first_cut, second_cut],
    )[0]
    copy_raw(small_raw, inc_db, received_after=str(second_cut))
    injected = _inject_late_rows(inc_db, max_received + timedelta(minutes=1), lookback_days)
    injected |= _inject_late_group_call(inc_db, max_received + timedelta(minutes=2), first_cut)
    injected |= _inject_late_context_event(
        inc_db, max_received + timedelta(minutes=3), first_cut, injected["linked_user_id"]
    )
    # Rows the loader committed late: received before the previous run's high-water mark
    # (second_cut) but inside the lookback, so only the lookback brings them in. Three reports
    # shared on one day by a user who shared none in the 14 days up to it: they alone meet
    # self_serve_to_paid's reports_shared (3 in 14 days), so they move the user's score.
    committed_late_at = second_cut - timedelta(days=lookback_days - 1)
    late_user = _user_without_reports_shared(inc_db, committed_late_at)
    with duckdb.connect(str(inc_db)) as con:
        for number in range(1, LATE_COMMITTED_REPORTS + 1):
            con.execute(
                """
                insert into raw.tracks
                select ?, anonymous_id, user_id, 'Report Shared',
                       strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, context_group_id, '{}'
                from raw.tracks
                where user_id = ? and context_group_id is not null
                order by id limit 1
                """,
                [
                    f"late-commit-{number}",
                    committed_late_at,
                    committed_late_at,
                    late_user,
                ],
            )
        # A new persona for a seated user of an account that has stored points: the account's
        # departments and seats fingerprint change, which no event shows.
        persona_user, persona_account = con.execute(
            """
            select links.user_id, links.account_id
            from main_intermediate.int_user_accounts_linked as links
            inner join main_intermediate.int_users_profiled as users
                on links.user_id = users.user_id and not users.is_internal
            where links.account_id in (
                select entity_id from main_intermediate.int_learned_score_features
                where entity = 'account'
            )
            order by links.account_id, links.user_id
            limit 1
            """
        ).fetchone()
        con.execute(
            """
            insert into raw.identifies
                (id, anonymous_id, user_id, timestamp, received_at, email, traits)
            values ('late-persona-1', null, ?, strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?,
                    null, '{"persona": "late_department"}')
            """,
            [persona_user, max_received, max_received + timedelta(minutes=4)],
        )
        con.execute("create schema before_last_run")
        for relation in RECOMPUTED_BEFORE_LAST_RUN:
            name = relation.split(".")[1]
            con.execute(f"create table before_last_run.{name} as select * from {relation}")
    injected |= {"late_user": late_user, "persona_account": persona_account}
    history_before = query(inc_db, f"select * from {STATE_HISTORY}")
    run_dbt(["build"], inc_db, inc_dir)

    full_dir = tmp_path_factory.mktemp("full")
    full_db = full_dir / "pql.duckdb"
    copy_raw(inc_db, full_db)
    build_from_scratch(full_db, full_dir)
    injected["second_batch"] = second_batch
    injected["second_cut"] = second_cut
    injected["lookback_days"] = lookback_days
    injected["history_before"] = history_before
    return inc_db, full_db, injected, first_cut


def test_rows_loaded_after_a_2099_row_are_still_read(incremental_and_full):
    _, _, injected, _ = incremental_and_full
    raw_count, classified_count = injected["second_batch"]
    assert raw_count > 0
    assert classified_count == raw_count


@pytest.mark.parametrize("message_id", sorted(BAD_TIME_ROWS))
def test_bad_load_or_event_time_is_rejected_with_its_reason(incremental_and_full, message_id):
    inc_db, full_db, _, _ = incremental_and_full
    for db in (inc_db, full_db):
        rows = query(
            db,
            """select rejection_reason from main_intermediate.int_events_rejected
               where message_id = ?""",
            [message_id],
        )
        assert rows == [(BAD_TIME_ROWS[message_id][2],)]


def test_no_row_is_missed_when_every_row_is_loaded_in_order(incremental_and_full):
    inc_db, full_db, _, _ = incremental_and_full
    for db in (inc_db, full_db):
        missed = "select count(*) from main_intermediate.int_event_rows_missed_by_lookback"
        assert scalar(db, missed) == 0


def test_no_bad_load_time_enters_a_watermark_or_identity(incremental_and_full):
    inc_db, _, _, _ = incremental_and_full
    latest = query(
        inc_db,
        """select
               (select max(received_at) from (
                    select received_at from raw.tracks union all
                    select received_at from raw.pages union all
                    select received_at from raw.identifies union all
                    select received_at from raw.groups
                ) where received_at < '2099-01-01'),
               (select max(resolved_received_at) from main_intermediate.int_events_resolved),
               (select max(last_received_at) from main_intermediate.int_identities_observed),
               (select min(first_received_at) from main_intermediate.int_identities_observed),
               (select min(first_observed_at) from main_intermediate.int_identities_observed)""",
    )[0]
    assert latest[1] <= latest[0]
    assert latest[2] <= latest[0]
    assert latest[3].year >= 2000
    assert latest[4].year >= 2000


@pytest.fixture(scope="module")
def missed_by_lookback(incremental_and_full, tmp_path_factory):
    """The incremental warehouse, plus a track loaded after its last run with a received_at a
    week behind its watermark (older than the lookback), then an incremental build of the
    stream and its tests."""
    inc_db, _, _, _ = incremental_and_full
    work_dir = tmp_path_factory.mktemp("missed")
    db = work_dir / "pql.duckdb"
    db.write_bytes(inc_db.read_bytes())
    with duckdb.connect(str(db)) as con:
        behind = con.execute(
            "select max(received_at) - interval 7 day from raw.tracks "
            "where received_at < '2099-01-01'"
        ).fetchone()[0]
        con.execute(
            """
            insert into raw.tracks
            select 'behind-lookback-1', anonymous_id, user_id, 'Project Created',
                   strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ'), ?, context_group_id, '{}'
            from raw.tracks
            where user_id is not null
            order by id limit 1
            """,
            [behind, behind],
        )
    output = run_dbt(
        [
            "build",
            "--select",
            "int_event_rows_classified int_events_resolved int_events_rejected "
            "int_event_rows_missed_by_lookback+",
        ],
        db,
        work_dir,
    )
    return db, output, behind


def test_row_loaded_behind_the_lookback_is_listed_and_warned(missed_by_lookback):
    db, output, behind = missed_by_lookback
    listed = query(
        db,
        """select raw_table, message_id, received_at, missed_row_count
           from main_intermediate.int_event_rows_missed_by_lookback""",
    )
    assert listed == [("tracks", "behind-lookback-1", behind, 1)]
    assert "1 raw tracks rows were loaded behind the incremental watermark" in output
    assert "--full-refresh --select int_event_rows_classified+" in output
    assert "WARN 1 assert_no_event_rows_missed_by_lookback" in output
    # Reconciled: the missed row is accounted for, so nothing fails.
    assert "ERROR=0" in output


def test_usage_window_series_have_one_start_each(incremental_and_full):
    """int_usage_windows' post-hook finds the entities whose series start moved by their start
    rows (as_of_date = first_known_date): that holds only if every row of an entity carries the
    same first_known_date and its series begins on it, after incremental runs as on a full
    refresh."""
    inc_db, full_db, _, _ = incremental_and_full
    for db in (inc_db, full_db):
        broken = scalar(
            db,
            """select count(*) from (
                   select entity, entity_id
                   from main_intermediate.int_usage_windows
                   group by entity, entity_id
                   having count(distinct first_known_date) > 1
                       or min(as_of_date) != min(first_known_date)
                       or count(case when as_of_date = first_known_date then 1 end) != 1
               ) as entities""",
        )
        assert broken == 0


@pytest.mark.parametrize("relation", INCREMENTAL_MODELS + DOWNSTREAM)
def test_incremental_run_equals_full_refresh(incremental_and_full, relation):
    inc_db, full_db, _, _ = incremental_and_full
    assert scalar(full_db, f"select count(*) from {relation}") > 0
    assert _rows_differing(inc_db, full_db, relation) == (0, 0)


def _changed_stored_rows(db, relation: str, keys: tuple[str, ...]) -> list[tuple]:
    """The keys of rows stored before the last run (dated up to its latest date) that the last
    run changed: rows of those keys in one state and not the other."""
    name = relation.split(".")[1]
    key_list = ", ".join(keys)
    return query(
        db,
        f"""
        with
        before as (select * from before_last_run.{name}),
        after as (
            select * from {relation}
            where as_of_date <= (select max(as_of_date) from before)
        ),
        changed as (
            (select * from before except all select * from after)
            union all
            (select * from after except all select * from before)
        )
        select distinct {key_list} from changed order by {key_list}
        """,
    )


@pytest.mark.parametrize("relation", sorted(RECOMPUTED_BEFORE_LAST_RUN))
def test_last_run_recomputes_stored_rows_of_touched_entities(incremental_and_full, relation):
    """The late rows change rows an earlier run had stored (and, by the test above, the same
    way a full refresh does): reports committed late inside the lookback reach the late user's
    account's team rows and features from the day they happened; a late persona reaches the
    team rows of its user's account (seats fingerprint; departments are no feature). Had a
    model only added
    its new dates, these would be unchanged."""
    inc_db, _, injected, _ = incremental_and_full
    changed = _changed_stored_rows(inc_db, relation, RECOMPUTED_BEFORE_LAST_RUN[relation])
    entities = {row[-2] for row in changed}
    late_account = scalar(
        inc_db,
        """select min(account_id) from main_intermediate.int_events_resolved
           where event_id like 'late-commit-%'""",
    )
    if relation.endswith("int_account_team_expansion"):
        assert late_account in entities
        assert injected["persona_account"] in entities
    else:
        assert injected["late_user"] in entities or late_account in entities


def test_late_identify_stitches_events_loaded_before_it(incremental_and_full):
    inc_db, _, injected, first_cut = incremental_and_full
    assert injected["first_seen"] <= first_cut
    stitched = scalar(
        inc_db,
        """select count(*) from main_intermediate.int_events_resolved
           where anonymous_id = ? and user_id = ? and user_id_source = 'stitched'
             and received_at <= ?""",
        [injected["anonymous_id"], injected["user_id"], first_cut],
    )
    assert stitched > 0
    daily = scalar(
        inc_db,
        """select count(*) from main_intermediate.int_activity_daily
           where entity = 'user' and entity_id = ? and activity_date <= ?::date""",
        [injected["user_id"], first_cut],
    )
    assert daily > 0


def test_late_duplicate_is_rejected_and_keeps_the_first_row(incremental_and_full):
    inc_db, _, injected, _ = incremental_and_full
    kept_properties = scalar(
        inc_db,
        "select properties_json from main_intermediate.int_events_resolved where event_id = ?",
        [injected["duplicated_id"]],
    )
    rejected = scalar(
        inc_db,
        """select count(*) from main_intermediate.int_events_rejected
           where message_id = ? and rejection_reason = 'duplicate_message_id'
             and properties_json = '{"late_copy": true}'""",
        [injected["duplicated_id"]],
    )
    assert kept_properties != '{"late_copy": true}'
    assert rejected == 1


def test_retry_of_a_rejected_message_is_kept_and_the_first_copy_stays_rejected(
    incremental_and_full,
):
    inc_db, _, _, _ = incremental_and_full
    rows = query(
        inc_db,
        """select occurrence_number, rejection_reason
           from main_intermediate.int_event_rows_classified
           where message_id = 'retried-1' order by occurrence_number""",
    )
    assert rows == [(1, "missing_identity"), (2, None)]
    kept = scalar(
        inc_db,
        """select count(*) from main_intermediate.int_events_resolved
           where event_id = 'retried-1'""",
    )
    assert kept == 1


def test_track_without_a_message_id_is_rejected_not_fatal(incremental_and_full):
    inc_db, full_db, _, _ = incremental_and_full
    for db in (inc_db, full_db):
        rows = query(
            db,
            """select message_id like 'missing:%', rejection_reason
               from main_intermediate.int_events_rejected
               where rejection_reason = 'missing_message_id'""",
        )
        assert rows == [(True, "missing_message_id")]


def _lands_on_its_own_day(db, event_id: str, event_name: str) -> bool:
    """The event is in the clean stream and its user has a daily row for its day and name."""
    landed = scalar(
        db,
        """select count(*) from main_intermediate.int_events_resolved as events
           inner join main_intermediate.int_activity_daily as daily
             on daily.entity = 'user' and events.user_id = daily.entity_id
            and events.occurred_date = daily.activity_date
            and daily.event_name = ?
           where events.event_id = ?""",
        [event_name, event_id],
    )
    return landed == 1


def test_row_committed_late_inside_the_lookback_is_picked_up(incremental_and_full):
    inc_db, _, _, _ = incremental_and_full
    assert _lands_on_its_own_day(inc_db, "late-commit-1", "report_shared")


def test_late_event_outside_the_lookback_lands_on_its_own_day(incremental_and_full):
    inc_db, _, _, _ = incremental_and_full
    assert _lands_on_its_own_day(inc_db, "late-event-1", "project_created")


def test_late_group_call_attributes_events_loaded_before_it(incremental_and_full):
    """Events without context loaded before the first cut, which no link covered, count for
    the workspace of a group call loaded weeks later (sent before them), from its load time;
    the account's daily activity has them."""
    inc_db, _, injected, first_cut = incremental_and_full
    attributed = query(
        inc_db,
        """select account_source, account_id, min(resolved_received_at), count(*)
           from main_intermediate.int_events_resolved
           where user_id = ? and received_at <= ? and account_id = 'late-account-1'
           group by all""",
        [injected["linked_user_id"], first_cut],
    )
    assert len(attributed) == 1
    source, _, resolved_from, events = attributed[0]
    assert (source, resolved_from) == ("single_account", injected["linked_at"])
    assert events > 0
    daily = scalar(
        inc_db,
        """select sum(linked_event_count) from main_intermediate.int_activity_daily
           where entity = 'account' and entity_id = 'late-account-1'
             and activity_date <= ?::date""",
        [first_cut],
    )
    assert daily >= events


def test_event_received_days_late_attributes_older_days_from_its_load(incremental_and_full):
    """A track with context received weeks after it happened moves the user's link to its
    account back over an older event without context: that event counts for the account from
    the late track's load (never from an older load of the link, which did not cover it), so
    the incremental run recomputes its user-day and account-day like a full refresh."""
    inc_db, full_db, injected, _ = incremental_and_full
    assert injected["days_late"] >= 10
    for db in (inc_db, full_db):
        event = query(
            db,
            """select account_source, account_id, resolved_received_at
               from main_intermediate.int_events_resolved where event_id = ?""",
            [injected["uncovered_event_id"]],
        )
        assert event == [
            ("single_account", injected["context_account_id"], injected["context_loaded_at"])
        ]
        days = query(
            db,
            """select
                   (select max(last_resolved_received_at)
                    from main_intermediate.int_activity_daily
                    where entity = 'user' and entity_id = ? and activity_date = ?),
                   (select sum(linked_event_count)
                    from main_intermediate.int_activity_daily
                    where entity = 'account' and entity_id = ? and activity_date = ?)""",
            [
                injected["context_user_id"],
                injected["uncovered_date"],
                injected["context_account_id"],
                injected["uncovered_date"],
            ],
        )[0]
        assert days[0] == injected["context_loaded_at"]
        assert days[1] >= 1


def test_late_committed_events_move_a_score_incrementally(incremental_and_full):
    """The rows the loader committed late (inside the lookback) reach the threshold engine on
    the incremental run: alone they meet the user's reports_shared on the day they happened, so
    the user's behaviour score rises by the signal's weight that day. Had the engine missed
    them, the signal would not be met (the user shared no other report in the window)."""
    inc_db, _, _, _ = incremental_and_full
    planted = query(
        inc_db,
        """select min(user_id), max(user_id), min(occurred_date), max(resolved_received_at),
                  count(*)
           from main_intermediate.int_events_resolved where event_id like 'late-commit-%'""",
    )[0]
    user_id, same_user, occurred_date, received_at, count = planted
    assert (same_user, count) == (user_id, LATE_COMMITTED_REPORTS)
    others = scalar(
        inc_db,
        """select count(*) from main_intermediate.int_events_resolved
           where user_id = ? and event_name = 'report_shared'
             and event_id not like 'late-commit-%'
             and occurred_date between ?::date - 13 and ?::date""",
        [user_id, occurred_date, occurred_date],
    )
    assert others == 0
    met = query(
        inc_db,
        """select signal_value, is_met, factor from main_intermediate.int_pql_signal_intervals
           where definition_id = 'self_serve_to_paid' and signal_id = 'reports_shared'
             and entity_id = ? and valid_from = ?""",
        [user_id, occurred_date],
    )
    assert met == [(LATE_COMMITTED_REPORTS, True, 1.0)]
    # The user's score on that day has a change and is the weighted sum of the signals then
    # active, the newly met reports_shared among them.
    score = query(
        inc_db,
        """select behaviour_score, last_resolved_received_at
           from main_intermediate.int_pql_score_changes
           where definition_id = 'self_serve_to_paid' and entity_id = ? and change_date = ?""",
        [user_id, occurred_date],
    )
    weighted = query(
        inc_db,
        """select sum(config.weight * intervals.factor),
                  sum(case when intervals.signal_id = 'reports_shared'
                      then config.weight * intervals.factor end)
           from main_intermediate.int_pql_signal_intervals as intervals
           inner join (
               select distinct definition_id, signal_id, weight
               from main_intermediate.int_pql_config_validated
           ) as config
             on intervals.definition_id = config.definition_id
            and intervals.signal_id = config.signal_id
           where intervals.definition_id = 'self_serve_to_paid' and intervals.entity_id = ?
             and intervals.valid_from <= ?
             and (intervals.valid_to is null or intervals.valid_to > ?)""",
        [user_id, occurred_date, occurred_date],
    )[0]
    assert weighted[1] > 0
    assert len(score) == 1
    assert score[0][0] == pytest.approx(weighted[0])
    assert score[0][1] >= received_at


def _config_resets(log_text: str) -> set[str]:
    """The engine models whose configuration reset (pql_engine_config_reset) ran: a delete of
    the rows stored under another config_hash."""
    return set(re.findall(r'delete from \S*?"?(int_\w+)"?\s+where config_hash', log_text))


def _engine_run(db, work_dir, *extra: str) -> str:
    """Run the engine's models on `db`; return what the run wrote to dbt.log."""
    log = work_dir / "logs" / "dbt.log"
    offset = log.stat().st_size if log.exists() else 0
    run_dbt(["run", "--select", ENGINE_SELECTION, *extra], db, work_dir)
    with log.open() as handle:
        handle.seek(offset)
        return handle.read()


@pytest.fixture(scope="module")
def config_changed(tmp_path_factory, built):
    """The built small warehouse run again with no new data and the same configuration, then
    with var pql_signal_decay_weight changed (plain incremental runs, no --full-refresh);
    and a copy built with --full-refresh under the changed var."""
    changed = ["--vars", "{pql_signal_decay_weight: 0.25}"]
    inc_dir = tmp_path_factory.mktemp("config_inc")
    inc_db = inc_dir / "pql.duckdb"
    inc_db.write_bytes(built.db.read_bytes())
    unchanged_log = _engine_run(inc_db, inc_dir)
    changed_log = _engine_run(inc_db, inc_dir, *changed)
    full_dir = tmp_path_factory.mktemp("config_full")
    full_db = full_dir / "pql.duckdb"
    full_db.write_bytes(built.db.read_bytes())
    _engine_run(full_db, full_dir, "--full-refresh", *changed)
    return inc_db, full_db, unchanged_log, changed_log


def test_ordinary_incremental_run_deletes_nothing_by_configuration(config_changed):
    """Adapters without DELETE (dbt-spark without Delta) run the same hook: it must be empty
    unless the configuration changed."""
    _, _, unchanged_log, changed_log = config_changed
    assert "int_pql_score_changes" in unchanged_log
    assert _config_resets(unchanged_log) == set()
    assert _config_resets(changed_log) == {m.split(".")[1] for m in ENGINE_MODELS}


@pytest.mark.parametrize("relation", ENGINE_MODELS)
def test_configuration_change_rebuilds_like_a_full_refresh(config_changed, built, relation):
    inc_db, full_db, _, _ = config_changed
    assert scalar(full_db, f"select count(*) from {relation}") > 0
    assert _rows_differing(inc_db, full_db, relation) == (0, 0)
    # every row carries the new configuration's hash, none the one built before
    hashes = query(inc_db, f"select distinct config_hash from {relation}")
    assert len(hashes) == 1
    assert hashes != query(built.db, f"select distinct config_hash from {relation}")


def test_configuration_change_changes_the_decaying_weight(config_changed, built):
    """The changed var reached the rows: decaying intervals now carry the new factor."""
    inc_db, _, _, _ = config_changed
    factors = "select distinct factor from main_intermediate.int_pql_signal_intervals order by 1"
    assert [row[0] for row in query(built.db, factors)] == [0.0, 0.5, 1.0]
    assert [row[0] for row in query(inc_db, factors)] == [0.0, 0.25, 1.0]


def _history_of(rows, entity_id, through):
    """The state rows of one entity (any definition) that start on or before `through`,
    as (definition_id, valid_from, status, change_type, score, signals_fired), without the
    columns that move with later days (valid_to, the watermark)."""
    return sorted(
        (row[1], row[6], row[8], row[9], row[10], row[16])
        for row in rows
        if row[5] == entity_id and row[6] <= through
    )


def test_late_committed_events_change_the_state_history_incrementally(incremental_and_full):
    """The late-committed reports move the user's score on the day they happened, a day the
    previous run already had: the incremental run rebuilds the user's state history (not only
    its new days), so the state on that day and after differs from the one stored before. A
    recompute that missed the entity would keep the old rows, and the rows would then also
    differ from the full refresh (test_incremental_run_equals_full_refresh)."""
    inc_db, _, injected, _ = incremental_and_full
    user_id, occurred_date = query(
        inc_db,
        """select min(user_id), min(occurred_date) from main_intermediate.int_events_resolved
           where event_id like 'late-commit-%'""",
    )[0]
    second_cut_date = injected["second_cut"].date()
    assert occurred_date <= second_cut_date
    before = _history_of(injected["history_before"], user_id, second_cut_date)
    after = _history_of(query(inc_db, f"select * from {STATE_HISTORY}"), user_id, second_cut_date)
    assert before
    assert before != after
    assert any(row[1] == occurred_date and "reports_shared" in row[5] for row in after)


def test_state_history_moves_with_time_for_entities_without_new_input(incremental_and_full):
    """States dated after the previous run's as-of date appear for entities none of whose
    inputs changed (their score changes are older than the watermark less the lookback): a
    signal leaving its window, a decay step, a hold or cooldown ending, dated in the future at
    the previous run. The incremental run adds them (they are equal to the full refresh's rows:
    test_incremental_run_equals_full_refresh) and none was stored before. (On this warehouse
    they are score and tier changes; a status change falling due takes the same path: the
    statuses' dates are among the due dates of pql_engine_tail_rows.)"""
    inc_db, full_db, injected, _ = incremental_and_full
    untouched_since = injected["second_cut"] - timedelta(days=injected["lookback_days"])
    moved = """
        select states.definition_id, states.entity_id, states.valid_from, states.change_type
        from main_intermediate.int_pql_states_evaluated as states
        inner join (
            select definition_id, entity_id, max(last_resolved_received_at) as watermark
            from main_intermediate.int_pql_score_changes
            group by definition_id, entity_id
        ) as inputs
            on states.definition_id = inputs.definition_id
            and states.entity_id = inputs.entity_id
        where states.valid_from > ?::date and inputs.watermark <= ?
        order by all
    """
    second_cut_date = injected["second_cut"].date()
    rows = query(inc_db, moved, [second_cut_date, untouched_since])
    assert rows
    assert rows == query(full_db, moved, [second_cut_date, untouched_since])
    assert {row[3] for row in rows} <= {
        "score_changed",
        "tier_changed",
        "qualified",
        "disqualified",
        "converted",
        "not_eligible",
        "not_qualified",
    }
    stored_before = {(row[1], row[5], row[6]) for row in injected["history_before"]}
    assert not stored_before & {(row[0], row[1], row[2]) for row in rows}
