"""The demo warehouse generator (pql_demo): contract, determinism, bad input, planted signal, CLI.

One mid-sized warehouse is generated per module and shared by the read-only tests; tests that
need other arguments generate their own small one under tmp_path.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

import pql_demo
from pql_demo import config
from pql_demo.contract import RAW_CONTRACT, RAW_TABLES, TRUTH_CONTRACT

REPO = Path(__file__).resolve().parents[1]
RATES = config.BAD_INPUT_RATES

# Parsed event time: an offset string parses as timestamptz, a zone-less one as UTC.
PARSED_TS = """coalesce(
    try_cast("timestamp" as timestamptz),
    try_cast(try_cast("timestamp" as timestamp) as timestamptz)
)"""
# Canonical event key: letters only, lower case ("Project Created", "project_created", ... -> same)
EVENT_KEY = "regexp_replace(lower(event), '[^a-z]', '', 'g')"


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalpha())


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    counts = pql_demo.generate(path, accounts=700, days=150, seed=11)
    return path, counts


@pytest.fixture(scope="module")
def con(warehouse):
    connection = duckdb.connect(str(warehouse[0]), read_only=True)
    yield connection
    connection.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


def spearman(x, y) -> float:
    rx = np.argsort(np.argsort(np.asarray(x, dtype=float)))
    ry = np.argsort(np.argsort(np.asarray(y, dtype=float)))
    return float(np.corrcoef(rx, ry)[0, 1])


def table_snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every raw and truth table in stored row order."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as c:
        for schema, tables in (("raw", RAW_CONTRACT), ("pql_demo_truth", TRUTH_CONTRACT)):
            for table in tables:
                out[f"{schema}.{table}"] = c.execute(f"select * from {schema}.{table}").fetchall()
    return out


# ---------------------------------------------------------------------------------------------
# Contract
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "contract"), [("raw", RAW_CONTRACT), ("pql_demo_truth", TRUTH_CONTRACT)]
)
def test_tables_have_exactly_the_contract_columns_and_types(con, schema, contract):
    rows = con.execute(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_schema = ?
        order by table_name, ordinal_position
        """,
        [schema],
    ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        found.setdefault(table, []).append((column, dtype))
    assert found == {table: list(cols) for table, cols in contract.items()}


def test_raw_contract_matches_the_brief():
    assert RAW_TABLES == (
        "tracks", "pages", "identifies", "groups", "subscriptions", "crm_accounts",
        "crm_contacts", "crm_opportunities", "crm_activities",
    )  # fmt: skip
    types = {(t, col): dtype for t, cols in RAW_CONTRACT.items() for col, dtype in cols}
    for table in ("tracks", "pages", "identifies", "groups"):
        assert types[(table, "timestamp")] == "VARCHAR"
        assert types[(table, "received_at")] == "TIMESTAMP"
    # a text export: numbers and flags of CRM and billing are text, so bad values can occur
    assert types[("crm_accounts", "employees")] == "VARCHAR"
    assert types[("subscriptions", "mrr")] == "VARCHAR"


def test_returned_counts_match_tables_and_default_size_is_in_range(warehouse, con):
    _, counts = warehouse
    assert set(counts) == set(RAW_TABLES)
    for table, n in counts.items():
        assert scalar(con, f"select count(*) from raw.{table}") == n
        assert n > 0, table
    # ~ 570 tracks+pages rows per workspace at 150 days (default 2000 x 180 -> ~1.15M)
    per_account = (counts["tracks"] + counts["pages"]) / 700
    assert 300 < per_account < 900


def test_ids_and_keys(con):
    for table in ("identifies", "groups", "crm_accounts", "crm_contacts", "crm_opportunities"):
        assert scalar(con, f"select count(*) - count(distinct id) from raw.{table}") == 0, table
    assert (
        scalar(con, "select count(*) - count(distinct (id, updated_at)) from raw.subscriptions")
        == 0
    )
    assert scalar(con, "select count(*) from raw.tracks where id is null") == 0
    # every identified event belongs to a known user and workspace
    assert (
        scalar(
            con,
            """select count(*) from raw.tracks
        where user_id is not null
          and user_id not in (select user_id from pql_demo_truth.users)""",
        )
        == 0
    )
    assert (
        scalar(
            con,
            """select count(*) from raw.pages
        where context_group_id is not null
          and context_group_id not in (select group_id from pql_demo_truth.accounts)""",
        )
        == 0
    )
    assert (
        scalar(
            con,
            """select count(*) from raw.crm_contacts
        where account_id is not null and account_id not in (select id from raw.crm_accounts)""",
        )
        == 0
    )


def test_received_at_is_inside_the_window_and_never_before_the_event(con):
    start, snapshot = con.execute(
        """select max(value) filter (where key = 'window_start'),
                  max(value) filter (where key = 'snapshot_at')
        from pql_demo_truth.run_info"""
    ).fetchone()
    for table in ("tracks", "pages", "identifies", "groups"):
        lo, hi, early = con.execute(
            f"""select min(received_at), max(received_at),
                count(*) filter (where {PARSED_TS} > received_at::timestamptz
                                   and {PARSED_TS} < received_at::timestamptz + interval 2 day)
            from raw.{table}"""
        ).fetchone()
        assert lo >= dt.datetime.fromisoformat(start).replace(tzinfo=None), table
        assert hi < dt.datetime.fromisoformat(snapshot).replace(tzinfo=None), table
        # an event time after received_at only ever comes from clock skew (2+ days)
        assert early == 0, table


# ---------------------------------------------------------------------------------------------
# Determinism and arguments
# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables_and_other_seed_differs(tmp_path):
    a, b, other = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "c.duckdb"
    kwargs = {"accounts": 80, "days": 40, "end_date": dt.date(2026, 3, 31)}
    counts_a = pql_demo.generate(a, seed=3, **kwargs)
    counts_b = pql_demo.generate(b, seed=3, **kwargs)
    pql_demo.generate(other, seed=4, **kwargs)
    assert counts_a == counts_b
    snap_a, snap_b, snap_other = table_snapshot(a), table_snapshot(b), table_snapshot(other)
    assert snap_a == snap_b
    for table in ("raw.tracks", "raw.pages", "raw.identifies", "pql_demo_truth.accounts"):
        assert snap_a[table] != snap_other[table], table


def test_regenerating_replaces_tables(tmp_path):
    path = tmp_path / "w.duckdb"
    pql_demo.generate(path, accounts=40, days=30, seed=1)
    counts = pql_demo.generate(path, accounts=20, days=30, seed=1)
    with duckdb.connect(str(path), read_only=True) as c:
        assert scalar(c, "select count(*) from pql_demo_truth.accounts") == 20
        assert scalar(c, "select count(*) from raw.tracks") == counts["tracks"]


def test_end_date_sets_the_window(tmp_path):
    path = tmp_path / "w.duckdb"
    pql_demo.generate(path, accounts=30, days=20, seed=2, end_date=dt.date(2025, 12, 31))
    with duckdb.connect(str(path), read_only=True) as c:
        lo, hi = c.execute("select min(received_at), max(received_at) from raw.tracks").fetchone()
    assert dt.datetime(2025, 12, 12) <= lo and hi < dt.datetime(2026, 1, 1)


def test_empty_tables_exist_with_no_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    counts = pql_demo.generate(
        path, accounts=40, days=30, seed=5, empty=("tracks", "crm_activities")
    )
    assert counts["tracks"] == 0 and counts["crm_activities"] == 0
    assert counts["pages"] > 0 and counts["identifies"] > 0
    with duckdb.connect(str(path), read_only=True) as c:
        cols = c.execute(
            """select column_name from information_schema.columns
            where table_schema = 'raw' and table_name = 'tracks' order by ordinal_position"""
        ).fetchall()
    assert [x for (x,) in cols] == [col for col, _ in RAW_CONTRACT["tracks"]]
    with pytest.raises(ValueError, match="unknown raw table"):
        pql_demo.generate(path, accounts=5, days=5, empty=("events",))


# ---------------------------------------------------------------------------------------------
# Bad input, measured from the raw tables
# ---------------------------------------------------------------------------------------------


def assert_rate(measured: float, documented: float, low: float = 0.5, high: float = 1.6):
    assert low * documented <= measured <= high * documented, (measured, documented)


@pytest.mark.parametrize("table", ["tracks", "pages"])
def test_exact_and_conflicting_duplicates(con, table):
    payload = "received_at" + (", properties" if table == "tracks" else ", referrer")
    total, distinct_rows, ids, conflicting = con.execute(
        f"""
        with by_id as (
            select id, count(distinct ({payload})) as payloads from raw.{table} group by id
        )
        select
            (select count(*) from raw.{table}),
            (select count(*) from (select distinct * from raw.{table})),
            count(*),
            count(*) filter (where payloads > 1)
        from by_id
        """
    ).fetchone()
    assert_rate((total - distinct_rows) / distinct_rows, RATES["exact_duplicate"], 0.7, 1.3)
    assert_rate(conflicting / ids, RATES["conflicting_duplicate"])


def test_malformed_json(con):
    bad, present = con.execute(
        """select count(*) filter (where not json_valid(properties)), count(properties)
        from raw.tracks"""
    ).fetchone()
    assert_rate(bad / present, RATES["malformed_json"], 0.7, 1.3)
    for table in ("identifies", "groups"):
        assert (
            scalar(con, f"select count(*) filter (where not json_valid(traits)) from raw.{table}")
            > 0
        )
    nulls = scalar(con, "select avg((properties is null)::int) from raw.tracks")
    assert_rate(nulls, RATES["null_properties"], 0.7, 1.3)


@pytest.mark.parametrize("table", ["tracks", "pages"])
def test_missing_both_ids(con, table):
    share = scalar(
        con,
        f"select avg((user_id is null and anonymous_id is null)::int) from raw.{table}",
    )
    assert_rate(share, RATES["missing_both_ids"])


def test_event_name_spellings(con):
    spellings = {
        e
        for (e,) in con.execute(
            f"select distinct event from raw.tracks where {EVENT_KEY} = 'projectcreated'"
        ).fetchall()
    }
    assert {
        "Project Created", "project_created", " project  created ", "PROJECT CREATED",
        "ProjectCreated", "project-created", "project created",
    } <= spellings  # fmt: skip
    canonical = [name for name, _ in config.EVENTS]
    names = ", ".join(f"'{n}'" for n in canonical)
    share = scalar(con, f"select avg((event not in ({names}))::int) from raw.tracks")
    assert_rate(share, RATES["event_name_variant"], 0.8, 1.2)
    # every spelling maps back to exactly one catalogue event
    keys = {k for (k,) in con.execute(f"select distinct {EVENT_KEY} from raw.tracks").fetchall()}
    assert keys == {_key(n) for n in canonical}


# The three well-formed shapes of a client timestamp (see docs/demo_data.md).
ISO_Z_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"
SPACE_RE = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
OFFSET_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"


def test_timestamp_forms(con):
    n, iso_z, space, offset, unparseable = con.execute(
        f"""with t as (select "timestamp" as s, {PARSED_TS} as ts from raw.tracks)
        select
            count(*),
            count(*) filter (where regexp_matches(s, $iso) and ts is not null),
            count(*) filter (where regexp_matches(s, $space) and ts is not null),
            count(*) filter (where regexp_matches(s, $offset) and ts is not null),
            count(*) filter (where ts is null)
        from t""",
        {"iso": ISO_Z_RE, "space": SPACE_RE, "offset": OFFSET_RE},
    ).fetchone()
    assert iso_z + space + offset + unparseable == n
    assert_rate(offset / n, RATES["timestamp_offset"], 0.9, 1.1)
    assert_rate(space / n, RATES["timestamp_space_format"], 0.9, 1.1)
    assert_rate(unparseable / n, RATES["timestamp_unparseable"], 0.3, 2.0)
    garbage = con.execute(
        f"""select distinct "timestamp" from raw.tracks where {PARSED_TS} is null"""
    )
    assert {s for (s,) in garbage.fetchall()} <= set(config.UNPARSEABLE_TIMESTAMPS)
    # an offset timestamp is the same instant as the UTC event time: never after received_at
    # unless it is one of the (much later) clock-skewed ones
    early = scalar(
        con,
        f"""select count(*) from raw.tracks
        where regexp_matches("timestamp", '[+-][0-9]{{2}}:[0-9]{{2}}$')
          and {PARSED_TS} > received_at::timestamptz
          and {PARSED_TS} < received_at::timestamptz + interval 2 day""",
    )
    assert early == 0


def test_future_and_late_timestamps(con):
    n, future, late, max_skew = con.execute(
        f"""
        with t as (select received_at::timestamptz as r, {PARSED_TS} as ts from raw.pages)
        select
            count(*),
            count(*) filter (where ts > r),
            count(*) filter (where r between ts + interval 1 day and ts + interval 241 hour),
            max(date_diff('day', r, ts))
        from t
        """
    ).fetchone()  # fmt: skip
    assert_rate(future / n, RATES["timestamp_future"])
    assert_rate(late / n, RATES["late_arrival"], 0.8, 1.3)
    assert 2 <= max_skew <= 400


def test_identity_gaps(con):
    # anonymous page views before signup, on the device that later identifies
    before_signup = scalar(
        con,
        f"""select count(*) from raw.pages p
        join pql_demo_truth.anonymous_ids a using (anonymous_id)
        join pql_demo_truth.users u on a.user_id = u.user_id
        where p.user_id is null and {PARSED_TS} < u.signed_up_at::timestamptz""",
    )
    assert before_signup > 1000
    # after signup some events carry only the anonymous id
    share = scalar(
        con,
        f"""select avg((t.user_id is null)::int) from raw.tracks t
        join pql_demo_truth.anonymous_ids a using (anonymous_id)
        join pql_demo_truth.users u on a.user_id = u.user_id
        where {PARSED_TS} > u.signed_up_at::timestamptz + interval 1 minute
          and {PARSED_TS} < received_at::timestamptz""",
    )
    assert_rate(share, RATES["anonymous_after_signup"], 0.7, 1.3)
    # late identify: the signup identify arrives days after the user's first events
    late = scalar(
        con,
        """with first_event as (
            select user_id, min(received_at) as first_received from raw.tracks group by user_id
        ), first_identify as (
            select user_id, min(received_at) as identified from raw.identifies group by user_id
        )
        select avg((identified > first_received + interval 1 day)::int)
        from first_identify join first_event using (user_id)""",
    )
    # (an identify can also be late because the row itself arrived late)
    assert RATES["late_identify"] * 0.5 <= late
    assert late <= (RATES["late_identify"] + RATES["late_arrival"]) * 1.4


def test_user_population(con):
    internal, personal, multi, external = con.execute(
        """select
            avg(is_internal::int),
            avg(is_personal_email::int) filter (where not is_internal),
            avg((workspace_count > 1)::int) filter (where not is_internal),
            count(*) filter (where not is_internal)
        from pql_demo_truth.users"""
    ).fetchone()
    assert_rate(internal, RATES["internal_user"], 0.6, 1.4)
    assert_rate(personal, RATES["personal_email"], 0.8, 1.2)
    assert_rate(multi, RATES["multi_workspace_user"], 0.6, 1.4)
    # ... and the raw data shows the same
    domains = ", ".join(f"'{d}'" for d in config.PERSONAL_DOMAINS)
    raw_personal, raw_internal = con.execute(
        f"""with u as (
            select user_id, lower(split_part(any_value(email), '@', 2)) as domain
            from raw.identifies group by user_id
        )
        select count(*) filter (where domain in ({domains})),
               count(*) filter (where domain = '{config.INTERNAL_DOMAIN}')
        from u"""
    ).fetchone()
    assert raw_personal > 0.8 * personal * external
    assert raw_internal > 0
    in_two = scalar(
        con,
        """select count(*) from (
            select user_id from raw.groups group by user_id having count(distinct group_id) > 1
        )""",
    )
    assert in_two > 0.5 * multi * external


def test_crm_and_billing_dirt(con):
    for table in ("crm_accounts", "crm_contacts", "crm_opportunities"):
        # is_deleted is text in the text shape, with some unparseable values planted
        share = scalar(
            con,
            f"select avg(coalesce(try_cast(is_deleted as boolean), false)::int) from raw.{table}",
        )
        assert 0.01 <= share <= 0.06, (table, share)
    variants = scalar(
        con,
        """select count(*) from raw.crm_accounts
        where domain like 'http%' or domain ilike 'www.%' or domain <> lower(domain)""",
    )
    assert variants > 0
    changed = scalar(
        con,
        """select count(*) from (
            select id from raw.subscriptions group by id having count(distinct plan) > 1
        )""",
    )
    assert changed > 20
    # explicit links only on some workspaces: others must be matched by domain
    methods = dict(
        con.execute(
            "select crm_link_method, count(*) from pql_demo_truth.accounts group by 1"
        ).fetchall()
    )
    assert methods["explicit"] > 0 and methods["domain"] > 0 and methods[None] > 0


def test_bad_input_tally_matches_documented_kinds(con):
    kinds = {
        k for (k,) in con.execute("select distinct kind from pql_demo_truth.bad_input").fetchall()
    }
    assert kinds == set(RATES)
    exact = scalar(
        con,
        "select sum(row_count) from pql_demo_truth.bad_input where kind = 'exact_duplicate'",
    )
    dupes = scalar(
        con,
        """select (select count(*) from raw.tracks) + (select count(*) from raw.pages)
            - (select count(*) from (select distinct * from raw.tracks))
            - (select count(*) from (select distinct * from raw.pages))""",
    )
    assert exact == dupes


# ---------------------------------------------------------------------------------------------
# The planted signal
# ---------------------------------------------------------------------------------------------


def test_conversion_rises_with_intent_and_raw_agrees_with_truth(warehouse):
    stats = {s["intent_level"]: s for s in pql_demo.conversion_stats(warehouse[0])}
    assert set(stats) == {"low", "medium", "high", "all"}
    low, medium, high = (stats[k]["conversion_rate"] for k in ("low", "medium", "high"))
    assert high > 3 * low and high - low > 0.15
    assert low < medium < high
    assert stats["all"]["agreement"] == 1.0
    assert stats["all"]["converted"] > 50


def test_predictive_events_track_intent_and_decoys_do_not(con):
    predictive = ", ".join(f"'{_key(e)}'" for e in config.PREDICTIVE_EVENTS)
    decoy = ", ".join(f"'{_key(e)}'" for e in config.DECOY_EVENTS)
    rows = con.execute(
        f"""
        with ev as (
            select context_group_id as group_id, {EVENT_KEY} as k
            from raw.tracks where context_group_id is not null
        )
        select a.intent,
            count(ev.k) filter (where ev.k in ({predictive})),
            count(ev.k) filter (where ev.k in ({decoy}))
        from pql_demo_truth.accounts a left join ev using (group_id)
        group by a.group_id, a.intent
        """
    ).fetchall()
    intent, pred, dec = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    assert spearman(intent, pred) > 0.5
    assert abs(spearman(intent, dec)) < 0.12
    assert dec.sum() > pred.sum()  # decoys are the frequent ones


def test_predictive_behaviour_precedes_conversion(con):
    # converted workspaces create projects in the two weeks before converting
    ratio = scalar(
        con,
        f"""
        with conv as (
            select group_id, converted_at from pql_demo_truth.accounts
            where converted and converted_at > created_at + interval 14 day
        ), before as (
            select conv.group_id, count(t.id) as n
            from conv left join raw.tracks t
              on t.context_group_id = conv.group_id
             and {EVENT_KEY} = 'projectcreated'
             and {PARSED_TS} between conv.converted_at::timestamptz - interval 14 day
                                 and conv.converted_at::timestamptz
            group by conv.group_id
        )
        select avg(n) from before
        """,
    )
    baseline = scalar(
        con,
        f"""
        select count(*) / (select count(*) from pql_demo_truth.accounts where not converted)
            / 150 * 14
        from raw.tracks t join pql_demo_truth.accounts a on t.context_group_id = a.group_id
        where not a.converted and {EVENT_KEY} = 'projectcreated'
        """,
    )
    assert ratio > 3 * baseline


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pql_demo", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_generate_and_stats(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    done = run_cli(
        "--db", db, "--accounts", "60", "--days", "45", "--seed", "9", "--end-date", "2026-05-31",
        "--empty", "crm_activities", "subscriptions",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "raw.tracks" in done.stdout and "rows/s" in done.stdout
    with duckdb.connect(db, read_only=True) as c:
        assert scalar(c, "select count(*) from raw.crm_activities") == 0
        assert scalar(c, "select count(*) from raw.subscriptions") == 0
        assert scalar(c, "select count(*) from raw.tracks") > 0
        assert scalar(c, "select value from pql_demo_truth.run_info where key = 'end_date'") == (
            "2026-05-31"
        )
    stats = run_cli("stats", "--db", db)
    assert stats.returncode == 0, stats.stderr
    lines = stats.stdout.splitlines()
    assert lines[0].split()[:2] == ["intent_level", "accounts"]
    assert [line.split()[0] for line in lines[2:]] == ["low", "medium", "high", "all"]


def test_cli_rejects_bad_arguments(tmp_path):
    db = str(tmp_path / "x.duckdb")
    assert run_cli("--db", db, "--empty", "events").returncode == 2
    assert run_cli("--db", db, "--accounts", "0").returncode == 2
    assert run_cli("--db", db, "--end-date", "2026-02-30").returncode == 2
    assert run_cli("--db", db, "--seed", "-1").returncode == 2
    assert not Path(db).exists()
