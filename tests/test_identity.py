"""Identity hygiene end to end: a small generated warehouse with bad identity values added
(placeholder ids, a shared anonymous id, blank and placeholder group ids, implausible group
domains, an email with tabs and a trailing dot, tracks named "Page Viewed"), built once with
`dbt build`; the marts must neither stitch, link nor count them. The dbt unit tests in
models/staging and models/intermediate/identity check each rule on its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pql_demo import generate
from tests.support import build_from_scratch, query, scalar

SIZE = {"accounts": 60, "days": 30, "seed": 11}
INT = "main_intermediate"
MARTS = "main_marts"
SHARED_ANON = "device-constant"
SHARED_USERS = 7  # more than pql_max_users_per_anonymous_id (5)


def _add_bad_identities(db: Path) -> dict:
    """Append bad identity rows to the raw tables; return the ids the assertions need."""
    with duckdb.connect(str(db)) as con:
        users = [
            row[0]
            for row in con.execute(
                "select distinct user_id from raw.tracks where user_id is not null "
                "order by user_id limit ?",
                [SHARED_USERS + 1],
            ).fetchall()
        ]
        first_loaded = con.execute("select min(received_at) from raw.tracks").fetchone()[0]
        anon_of_victim = con.execute(
            "select min(anonymous_id) from raw.tracks where user_id = ?", [users[-1]]
        ).fetchone()[0]
        # Loaded before anything else, so without the blocklist they would win the stitch.
        con.execute(
            """
            insert into raw.identifies by name
            select 'bad_identify_' || n as id, anonymous_id, user_id,
                '2026-01-01T00:00:00Z' as "timestamp",
                ?::timestamp - interval 1 day as received_at, null as email, null as traits
            from (values (1, ?, 'undefined'), (2, 'Anonymous', 'null'), (3, ' 0 ', '-1'))
                as v(n, anonymous_id, user_id)
            """,
            [first_loaded, anon_of_victim],
        )
        # One anonymous id sent by the SDK for many users, then an anonymous-only event.
        for n, user_id in enumerate(users[:SHARED_USERS]):
            con.execute(
                """
                insert into raw.tracks by name
                select ? as id, ? as anonymous_id, ? as user_id, 'Search Performed' as event,
                    strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
                    ?::timestamp as received_at
                """,
                [f"shared_{n}", SHARED_ANON, user_id, first_loaded, first_loaded],
            )
        con.execute(
            """
            insert into raw.tracks by name
            select 'shared_anonymous_only' as id, ? as anonymous_id, null as user_id,
                'Search Performed' as event,
                strftime(?::timestamp + interval 1 hour, '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
                ?::timestamp + interval 1 hour as received_at
            """,
            [SHARED_ANON, first_loaded, first_loaded],
        )
        # A track named like a page view, by a real user.
        con.execute(
            """
            insert into raw.tracks by name
            select 'track_page_' || n as id, ? as user_id, 'Page Viewed' as event,
                strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
                ?::timestamp as received_at
            from range(3) as r(n)
            """,
            [users[0], first_loaded, first_loaded],
        )
        # Group calls with a blank or placeholder group id and implausible domains.
        con.execute(
            """
            insert into raw.groups by name
            select 'bad_group_' || n as id, ? as user_id, group_id,
                strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
                ?::timestamp as received_at, traits
            from (values
                (1, chr(9), '{"domain": "tab.example.org"}'),
                (2, 'NULL', '{"domain": "null.example.org"}'),
                (3, 'ws_bad_42', '{"domain": "42"}'),
                (4, 'ws_bad_json', '{"domain": "{\\"domain\\": \\"x.com\\"}"}')
            ) as v(n, group_id, traits)
            """,
            [users[0], first_loaded, first_loaded],
        )
        # A new user whose email has tabs, capitals and a trailing dot.
        con.execute(
            """
            insert into raw.identifies by name
            select 'dotted_email' as id, 'usr_dotted_email' as user_id,
                strftime(?::timestamp, '%Y-%m-%dT%H:%M:%SZ') as "timestamp",
                ?::timestamp as received_at,
                chr(9) || 'X@Gmail.com.' || chr(10) as email, null as traits
            """,
            [first_loaded, first_loaded],
        )
    return {"users": users, "victim_anon": anon_of_victim}


@pytest.fixture(scope="module")
def bad_identities(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("identity")
    db = work_dir / "pql.duckdb"
    generate(db, **SIZE)
    ids = _add_bad_identities(db)
    build_from_scratch(db, work_dir)
    return db, ids


def test_placeholder_ids_never_stitch_or_become_users(bad_identities):
    db, ids = bad_identities
    placeholders = ["undefined", "null", "-1", "0", "Anonymous", "anonymous"]
    marks = ", ".join("?" for _ in placeholders)
    assert (
        query(
            db,
            f"select user_id from {MARTS}.dim_users where user_id in ({marks})",
            placeholders,
        )
        == []
    )
    assert (
        query(
            db,
            f"select anonymous_id, user_id from {INT}.int_anonymous_ids_stitched "
            f"where anonymous_id in ({marks}) or user_id in ({marks})",
            placeholders + placeholders,
        )
        == []
    )
    # The real visitor whose anonymous id a placeholder user claimed first stays with its user.
    assert (
        scalar(
            db,
            f"select user_id from {INT}.int_anonymous_ids_stitched where anonymous_id = ?",
            [ids["victim_anon"]],
        )
        == ids["users"][-1]
    )


def test_anonymous_id_shared_by_many_users_is_listed_not_stitched(bad_identities):
    db, _ = bad_identities
    assert query(
        db,
        f"select anonymous_id, claiming_user_count from {INT}.int_anonymous_ids_shared",
    ) == [(SHARED_ANON, SHARED_USERS)]
    assert (
        scalar(
            db,
            f"select count(*) from {INT}.int_anonymous_ids_stitched where anonymous_id = ?",
            [SHARED_ANON],
        )
        == 0
    )
    assert (
        scalar(
            db,
            f"select user_id from {INT}.int_events_resolved where event_id = ?",
            ["shared_anonymous_only"],
        )
        is None
    )


def test_blank_placeholder_and_implausible_groups_form_no_account(bad_identities):
    db, _ = bad_identities
    assert (
        query(
            db,
            f"select account_id from {MARTS}.dim_accounts "
            "where trim(account_id, chr(9) || ' ') = '' or lower(account_id) = 'null'",
        )
        == []
    )
    assert (
        query(
            db,
            f"select account_id, account_domain from {INT}.int_accounts_profiled "
            "where account_id in ('ws_bad_42', 'ws_bad_json') and account_domain is not null",
        )
        == []
    )


def test_dotted_email_with_tabs_is_personal(bad_identities):
    db, _ = bad_identities
    assert query(
        db,
        f"select email_domain, is_personal_email from {INT}.int_users_profiled "
        "where user_id = 'usr_dotted_email'",
    ) == [("gmail.com", True)]


def test_track_named_page_viewed_is_not_a_page_view(bad_identities):
    db, ids = bad_identities
    assert query(
        db,
        f"select event_source, event_name, count(*) from {INT}.int_events_resolved "
        "where event_id like 'track_page_%' group by all",
    ) == [("track", "track_page_viewed", 3)]
    assert (
        scalar(
            db,
            f"select count(*) from {INT}.int_events_resolved "
            "where event_name = 'page_viewed' and event_source <> 'page'",
        )
        == 0
    )
