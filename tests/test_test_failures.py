"""A failing data test names the rows that failed (stored failures), not only a count."""

from __future__ import annotations

from tests.support import query, run_dbt


def test_failing_data_test_prints_and_keeps_its_rows(built, tmp_path):
    db = tmp_path / "pql.duckdb"
    db.write_bytes(built.db.read_bytes())
    query(
        db,
        "delete from main_intermediate.int_events_resolved where event_id in ("
        "select event_id from main_intermediate.int_events_resolved order by 1 limit 2)",
    )
    output = run_dbt(
        ["test", "--select", "assert_event_rows_reconcile_with_raw"], db, tmp_path, check=False
    )
    assert "FAIL" in output and "assert_event_rows_reconcile_with_raw" in output, output[-3000:]
    assert "See test failures" in output
    assert "main_test_failures" in output
    rows = query(
        db,
        "select raw_table, raw_row_count, classified_row_count, clean_row_count, "
        "rejected_row_count, missed_row_count, message "
        "from main_test_failures.assert_event_rows_reconcile_with_raw",
    )
    assert {row[0] for row in rows} <= {"tracks", "pages"}
    assert all(raw == classified + missed for _, raw, classified, _, _, missed, _ in rows)
    assert (
        sum(classified - (clean + rejected) for _, _, classified, clean, rejected, _, _ in rows)
        == 2
    )
    assert all("clean (int_events_resolved)" in row[-1] for row in rows)
