"""Point-in-time correctness (docs/design.md #1): for several past dates, the PQL/PQA state
that the full history says held on that date equals the current state of a build from only the
data available on that date."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from tests.support import RAW_EVENT_TABLES, RAW_TABLES, build_from_scratch, scalar

# The loaded-at column that says when each raw row became available.
AVAILABLE_AT = {table: "received_at" for table in RAW_EVENT_TABLES} | {
    "subscriptions": "updated_at",
    "crm_accounts": "created_at",
    "crm_contacts": "created_at",
    "crm_opportunities": "created_at",
    "crm_activities": "occurred_at",
}
STATE_COLUMNS = "definition_id, entity_id, status, score, tier, reasons, signals_fired"


def copy_raw_as_of(source_db, target_db, as_of) -> None:
    with duckdb.connect(str(target_db)) as con:
        con.execute(f"attach '{source_db}' as src (read_only)")
        con.execute("create schema raw")
        for table in RAW_TABLES:
            con.execute(
                f"create table raw.{table} as select * from src.raw.{table} "
                f"where {AVAILABLE_AT[table]} < ?",
                [as_of + timedelta(days=1)],
            )


@pytest.fixture(scope="module", params=[30, 15, 4], ids=lambda n: f"{n}_days_before_the_end")
def truncated(request, built, small_raw, tmp_path_factory):
    last_load = scalar(small_raw, "select max(received_at) from raw.tracks").date()
    as_of = last_load - timedelta(days=request.param)
    work_dir = tmp_path_factory.mktemp(f"as_of_{request.param}")
    db = work_dir / "pql.duckdb"
    copy_raw_as_of(small_raw, db, as_of)
    build_from_scratch(db, work_dir)
    return db, as_of


def test_history_as_of_a_date_equals_a_build_from_that_date(built, truncated):
    db, as_of = truncated
    assert (
        scalar(
            db,
            "select max(cast(resolved_received_at as date)) "
            "from main_intermediate.int_events_resolved",
        )
        == as_of
    )
    with duckdb.connect(str(db)) as con:
        con.execute(f"attach '{built.db}' as full_build (read_only)")
        then = f"""
            select {STATE_COLUMNS} from full_build.main_intermediate.int_pql_states_evaluated
            where valid_from <= $as_of and (valid_to > $as_of or valid_to is null)
        """
        now = f"""
            select {STATE_COLUMNS} from main_intermediate.int_pql_states_evaluated
            where valid_to is null
        """
        params = {"as_of": as_of}
        compared = con.execute(f"select count(*) from ({then})", params).fetchone()[0]
        qualified = con.execute(
            f"select count(*) from ({then}) where status = 'qualified'", params
        ).fetchone()[0]
        only_then = con.execute(f"select * from ({then} except all {now}) limit 5", params)
        only_then = only_then.fetchall()
        only_now = con.execute(f"select * from ({now} except all {then}) limit 5", params)
        only_now = only_now.fetchall()
    assert compared > 0
    assert qualified > 0
    assert only_then == []
    assert only_now == []
