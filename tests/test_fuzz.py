"""Seeded fuzz test (docs/bad_input.md): a small generated warehouse, mutated with every kind of
bad input in pql_tools/fuzz.py, built in two loads (the first half of received_at from scratch,
the rest incrementally), then compared with a full refresh of the same data and rebuilt once more
with no new data. Asserts: every build succeeds and every view reads in full; raw = clean +
rejected for every raw table; no deleted CRM record is synced; incremental equals full refresh;
a second build changes no sync row.

Reproduce a run from the seed it prints: PQL_FUZZ_SEED=<seed> pytest tests/test_fuzz.py.
PQL_FUZZ_ONLY=<kind>,<kind> applies exactly those kinds (known-broken ones included);
PQL_FUZZ_MUTATIONS=<n> applies the first n kinds of the seeded order.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from pql_demo import generate
from pql_tools.fuzz import (
    CATALOGUE,
    KNOWN_BROKEN,
    PHASES,
    TREATMENTS,
    apply_mutations,
    deleted_records_synced,
    pick_mutations,
    reconcile,
    unreadable_views,
)
from tests.support import REPO_ROOT, build_from_scratch, copy_raw, query, run_dbt, scalar
from tests.test_incremental import DOWNSTREAM, INCREMENTAL_MODELS, _rows_differing
from tests.test_sync import SYNC_TABLES

DEFAULT_SEED = 20261129
SEED = int(os.environ.get("PQL_FUZZ_SEED", DEFAULT_SEED))
COUNT = int(os.environ["PQL_FUZZ_MUTATIONS"]) if os.environ.get("PQL_FUZZ_MUTATIONS") else None
ONLY = [name for name in os.environ.get("PQL_FUZZ_ONLY", "").split(",") if name]
WAREHOUSE = {"accounts": 60, "days": 30}


@dataclass
class FuzzRun:
    seed: int
    kinds: list[str]
    log: list[str]
    inc_db: Path
    full_db: Path
    failures: list[str] = field(default_factory=list)
    sync_before_second_build: dict = field(default_factory=dict)
    sync_after_second_build: dict = field(default_factory=dict)
    alerts_after_second_build: int | None = None
    missed_by_lookback: list = field(default_factory=list)

    def context(self) -> str:
        left_out = "".join(f"\n  {k}: {why}" for k, why in KNOWN_BROKEN.items() if not ONLY)
        return (
            f"\nreproduce: PQL_FUZZ_SEED={self.seed} PQL_FUZZ_ONLY={','.join(self.kinds)}"
            f"\napplied:\n  " + "\n  ".join(self.log) + f"\nleft out (KNOWN_BROKEN):{left_out}\n"
        )


def _dbt_errors(message: str) -> str:
    """The lines of a failed dbt run that say what failed."""
    lines = [
        line.strip()
        for line in message.splitlines()
        if re.search(r"(Error|Failure|failed|Got \d+ result|Binder|Conversion|Invalid)", line)
    ]
    return "\n    ".join(lines) or message[-2000:]


def _step(run: FuzzRun, name: str, action: Callable[[], object]) -> None:
    """Run one dbt step; a failure is recorded (and the fuzz run goes on) rather than raised."""
    try:
        action()
    except AssertionError as error:
        run.failures.append(f"{name}:\n    {_dbt_errors(str(error))}")


def _sync_rows(db: Path) -> dict[str, set]:
    """Every sync table's rows as (key, synced_fields_hash, last_changed_at)."""
    return {
        table: set(
            query(db, f"select {key}, synced_fields_hash, last_changed_at from main_marts.{table}")
        )
        for table, key in SYNC_TABLES.items()
    }


def _append_rows_without_load_time(source: Path, target: Path) -> None:
    """copy_raw splits on received_at; rows without one arrive with the second load."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        for table in ("tracks", "pages", "identifies", "groups"):
            con.execute(
                f"insert into raw.{table} select * from src.raw.{table} where received_at is null"
            )
        con.execute("detach src")


def _leave_out_rows_missed_by_lookback(inc_db: Path, full_db: Path) -> list[tuple]:
    """Rows loaded behind the watermark less the lookback are listed and warned about by the
    incremental build, not read (the warning's fix is a full refresh, which would read them).
    The full refresh compared with the incremental build is therefore built from the same raw
    data less exactly the rows the incremental build lists; returns them as (raw table,
    message id, received_at, copies)."""
    with duckdb.connect(str(full_db)) as con:
        con.execute(f"attach '{inc_db}' as inc (read_only)")
        missed = con.execute(
            "select raw_table, message_id, received_at, missed_row_count "
            "from inc.main_intermediate.int_event_rows_missed_by_lookback order by all"
        ).fetchall()
        for table, message_id, received_at, _ in missed:
            con.execute(
                f"delete from raw.{table} where id = ? and received_at = ?",
                [message_id, received_at],
            )
        con.execute("detach inc")
    return missed


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> FuzzRun:
    work = tmp_path_factory.mktemp("fuzz")
    source = work / "source.duckdb"
    generate(source, seed=SEED, **WAREHOUSE)
    first, last = query(source, "select min(received_at), max(received_at) from raw.tracks")[0]
    cut = first + (last - first) / 2
    mutations = pick_mutations(SEED, COUNT, ONLY)
    with duckdb.connect(str(source)) as con:
        log = apply_mutations(con, mutations, SEED, "raw")

    inc_dir, full_dir = work / "incremental", work / "full"
    inc_dir.mkdir()
    full_dir.mkdir()
    run = FuzzRun(
        SEED, [m.name for m in mutations], log, inc_dir / "pql.duckdb", full_dir / "pql.duckdb"
    )
    copy_raw(source, run.inc_db, received_through=str(cut))
    with duckdb.connect(str(run.inc_db)) as con:
        run.log += apply_mutations(con, mutations, SEED, "first_load")
    _step(run, "first build (from scratch)", lambda: build_from_scratch(run.inc_db, inc_dir))
    with duckdb.connect(str(run.inc_db)) as con:
        run.log += apply_mutations(con, mutations, SEED, "after_first_build")
    copy_raw(source, run.inc_db, received_after=str(cut))
    _append_rows_without_load_time(source, run.inc_db)
    _step(run, "second load (incremental build)", lambda: run_dbt(["build"], run.inc_db, inc_dir))

    copy_raw(run.inc_db, run.full_db)
    run.missed_by_lookback = _leave_out_rows_missed_by_lookback(run.inc_db, run.full_db)
    _step(run, "full refresh of the same data", lambda: build_from_scratch(run.full_db, full_dir))

    run.sync_before_second_build = _sync_rows(run.inc_db)
    _step(run, "rebuild with no new data", lambda: run_dbt(["build"], run.inc_db, inc_dir))
    run.sync_after_second_build = _sync_rows(run.inc_db)
    run.alerts_after_second_build = scalar(
        run.inc_db, "select count(*) from main_marts.sync_slack__pql_alerts"
    )
    print(run.context())
    return run


def test_every_build_succeeds(fuzzed):
    assert fuzzed.failures == [], "\n".join(fuzzed.failures) + fuzzed.context()


@pytest.mark.parametrize("build", ["incremental", "full"])
def test_every_view_reads_in_full(fuzzed, build):
    db = fuzzed.inc_db if build == "incremental" else fuzzed.full_db
    with duckdb.connect(str(db), read_only=True) as con:
        failed = unreadable_views(con)
    assert failed == [], "\n".join(map(str, failed)) + fuzzed.context()


@pytest.mark.parametrize("build", ["incremental", "full"])
def test_raw_rows_equal_clean_plus_rejected(fuzzed, build):
    db = fuzzed.inc_db if build == "incremental" else fuzzed.full_db
    with duckdb.connect(str(db), read_only=True) as con:
        unbalanced = [r for r in reconcile(con) if not r.balanced]
    assert unbalanced == [], "\n".join(map(str, unbalanced)) + fuzzed.context()


@pytest.mark.parametrize("build", ["incremental", "full"])
def test_no_deleted_crm_record_is_synced(fuzzed, build):
    db = fuzzed.inc_db if build == "incremental" else fuzzed.full_db
    with duckdb.connect(str(db), read_only=True) as con:
        assert deleted_records_synced(con) == [], fuzzed.context()


def test_incremental_equals_full_refresh(fuzzed):
    differing = {
        relation: _rows_differing(fuzzed.inc_db, fuzzed.full_db, relation)
        for relation in INCREMENTAL_MODELS + DOWNSTREAM
    }
    # Sync tables: the same records to write with the same synced fields (last_changed_at is
    # the run's). Delete rows are left out: the incremental build emits one for a record it had
    # synced and the CRM then deleted; a warehouse built from scratch never synced it.
    for table, key in SYNC_TABLES.items():
        sql = (
            f"select {key}, synced_fields_hash from main_marts.{table} "
            "where coalesce(sync_action, '') != 'delete'"
        )
        inc, full = set(query(fuzzed.inc_db, sql)), set(query(fuzzed.full_db, sql))
        differing[f"main_marts.{table}"] = (len(inc - full), len(full - inc))
    differing = {relation: d for relation, d in differing.items() if d != (0, 0)}
    assert differing == {}, (
        "rows only in the incremental build, rows only in the full refresh:\n  "
        + "\n  ".join(f"{relation}: {d}" for relation, d in differing.items())
        + fuzzed.context()
    )


def test_rows_behind_the_lookback_are_listed(fuzzed):
    """The rows loaded_behind_lookback commits (ids fuzz-behind-*) are exactly the rows the
    incremental build lists in int_event_rows_missed_by_lookback, one copy each."""
    planted = set(
        query(
            fuzzed.inc_db,
            "select 'tracks', id from raw.tracks where id like 'fuzz-behind-%' union all "
            "select 'pages', id from raw.pages where id like 'fuzz-behind-%'",
        )
    )
    listed = {(table, message_id) for table, message_id, _, _ in fuzzed.missed_by_lookback}
    copies = {copies for *_, copies in fuzzed.missed_by_lookback}
    assert (listed, copies <= {1}) == (planted, True), fuzzed.context()


@pytest.mark.parametrize("treatment", sorted(TREATMENTS))
def test_bad_values_get_their_treatment(fuzzed, treatment):
    offending = query(fuzzed.inc_db, TREATMENTS[treatment])
    assert offending == [], f"{treatment}: {offending[:10]}" + fuzzed.context()


def test_second_build_changes_no_sync_row(fuzzed):
    before, after = fuzzed.sync_before_second_build, fuzzed.sync_after_second_build
    changed = {table: len(after[table] ^ before[table]) for table in SYNC_TABLES}
    changed = {table: n for table, n in changed.items() if n}
    assert changed == {}, f"rows changed per sync table: {changed}" + fuzzed.context()
    assert fuzzed.alerts_after_second_build == 0, fuzzed.context()


def test_catalogue_is_documented_and_broad():
    docs = (REPO_ROOT / "docs" / "bad_input.md").read_text()
    data = docs.split("## Data", 1)[1].split("\n## ", 1)[0]
    undocumented = [name for name in CATALOGUE if f"`{name}`" not in data]
    assert len(CATALOGUE) >= 30
    assert undocumented == []
    assert set(KNOWN_BROKEN) <= set(CATALOGUE)
    assert {m.phase for m in CATALOGUE.values()} <= set(PHASES)


def test_the_same_seed_mutates_the_same_rows(tmp_path):
    tables = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.duckdb"
        generate(db, accounts=20, days=10, seed=3)
        with duckdb.connect(str(db)) as con:
            log = apply_mutations(con, pick_mutations(11), 11, "raw")
            # Ordered by content, not rowid: the same rows, whatever their storage order.
            tables.append(
                (
                    log,
                    con.execute("select * from raw.tracks order by all nulls first").fetchall(),
                    con.execute("select * from raw.crm_accounts order by all").fetchall(),
                )
            )
    assert tables[0] == tables[1]
    assert pick_mutations(11) != pick_mutations(12)
    assert [m.name for m in pick_mutations(5, count=3)] == [m.name for m in pick_mutations(5)][:3]
