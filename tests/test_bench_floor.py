"""The bench's floor stays honest: bench/floor.sql, the whole pipeline written by hand, gives the
project's states, current states and clean stream row for row on the small session warehouse
(bench/floor_check.sql, EXCEPT ALL both ways), and the check finds a floor that differs."""

from __future__ import annotations

import os

import duckdb
import pytest

from pql_tools.bench import floor_differences, run_floor
from tests.support import copy_raw


@pytest.fixture(scope="module")
def floor_db(tmp_path_factory, small_raw):
    """The floor run on the same raw data as the session build (`built`)."""
    db = tmp_path_factory.mktemp("floor") / "handwritten.duckdb"
    copy_raw(small_raw, db)
    run_floor(db, dict(os.environ))
    return db


def test_floor_equals_the_project_row_for_row(built, floor_db):
    differences = floor_differences(built.db, floor_db)
    shown = "\n".join(str(row) for row in differences[:20])
    assert not differences, f"{len(differences)} rows differ (check, found only in, row):\n{shown}"
    with duckdb.connect(str(floor_db), read_only=True) as con:
        statuses = dict(
            con.execute("select status, count(*) from floor.states group by status").fetchall()
        )
        attributed = con.execute(
            "select count(*) from floor.stream as s inner join floor.attributions as a "
            "on s.event_id = a.event_id where s.account_id is not null"
        ).fetchone()[0]
    # the comparison covers every status the engine gives, and events given their account
    assert set(statuses) == {"qualified", "not_qualified", "converted", "not_eligible"}
    assert attributed > 0


def test_the_check_finds_a_floor_that_differs(built, floor_db, tmp_path):
    changed = tmp_path / "changed.duckdb"
    changed.write_bytes(floor_db.read_bytes())
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "update floor.states set status = 'not_qualified' where rowid = (select rowid "
            "from floor.states where status = 'qualified' and valid_to is not null "
            "order by definition_id, entity_id, valid_from limit 1)"
        )
        con.execute(
            "update floor.stream set account_id = null where event_id = (select min(event_id) "
            "from floor.stream where account_id is not null)"
        )
    found = {(check, side) for check, side, _ in floor_differences(built.db, changed)}
    assert found == {
        ("states", "project"),
        ("states", "floor"),
        ("stream", "project"),
        ("stream", "floor"),
    }
