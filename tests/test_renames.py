"""Upgrading across a model rename (CHANGELOG.md, Upgrading): the relation under the old name
stays in the warehouse until `dbt run-operation drop_renamed_relations` drops it, and nothing
else is touched. (One dbt command: each costs a project parse.)"""

from __future__ import annotations

import duckdb

from tests.support import query, run_dbt

TABLES = "select table_name from information_schema.tables where table_schema = 'main_intermediate'"


def test_drop_renamed_relations_drops_only_the_old_names(tmp_path):
    db = tmp_path / "upgraded.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema main_intermediate")
        con.execute(
            "create table main_intermediate.int_events_deduplicated as select 1 as event_id"
        )
        con.execute("create table main_intermediate.int_events_resolved as select 1 as event_id")
        for old in ("int_user_activity_daily", "int_account_milestones_reached"):
            con.execute(f"create table main_intermediate.{old} as select 1 as entity_id")
        con.execute("create table main_intermediate.int_activity_daily as select 1 as entity_id")

    dropped = run_dbt(["run-operation", "drop_renamed_relations"], db, tmp_path)
    assert "dropped table main_intermediate.int_events_deduplicated" in dropped
    assert "dropped table main_intermediate.int_user_activity_daily" in dropped
    assert "not present: main_intermediate.int_account_activity_daily" in dropped
    assert sorted(row[0] for row in query(db, TABLES)) == [
        "int_activity_daily",
        "int_events_resolved",
    ]
