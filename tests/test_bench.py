"""The bench measures what a scheduled run does: its production-run steps read the test window
from scripts/production_run.sh, and results.md reports them beside the full build with the
cold parse time."""

from __future__ import annotations

import pytest

from pql_tools import bench


def test_the_test_window_is_the_production_run_scripts(tmp_path):
    assert bench.production_test_window_days() == 4
    script = tmp_path / "run.sh"
    script.write_text('echo "${PQL_TEST_WINDOW_DAYS:-9}"\n')
    assert bench.production_test_window_days(script) == 9
    script.write_text("echo no window\n")
    with pytest.raises(ValueError, match="run.sh: no default PQL_TEST_WINDOW_DAYS"):
        bench.production_test_window_days(script)


def step(seconds, nodes, window=None):
    result = {
        "seconds": seconds,
        "nodes_seconds": nodes,
        "peak_rss_mib": 900.0,
        "learned_score_seconds": {"features": 1.5, "train_and_score": 2.5},
        "slowest_nodes": [["model.pql.int_learned_score_fitted", 2.5]],
    }
    if window is not None:
        result["test_window_days"] = window
    return result


def test_results_report_the_production_run_beside_the_full_build_and_the_cold_parse():
    run = {
        "size": "1m",
        "event_rows": 1_000_000,
        "last_day_event_rows": 5_000,
        "full_build": step(260.0, 240.0),
        "production_run_one_day": step(40.0, 24.0, window=4),
        "production_run_no_new_data": step(30.0, 12.0, window=4),
        "dbt_fixed_cost": {"seconds": 6.0, "nodes_seconds": 0.5},
        "floor_script": {"seconds": 100.0, "peak_rss_mib": 800.0},
        "floor_memory_limit": "4GB",
        "floor_state_intervals": 10,
        "floor_matches_project": True,
        "full_to_floor_ratio": 2.6,
        "full_nodes_to_floor_ratio": 2.4,
        "incremental_to_full_ratio": 0.1,
        "no_new_data_to_full_ratio": 0.05,
    }
    results = {
        "cores": 2,
        "memory_gib": 8,
        "platform": "linux",
        "duckdb": "x",
        "load_average": {"start": bench.machine_load(), "end": bench.machine_load()},
        "cold_parse": {
            "seconds": 7.5,
            "peak_rss_mib": 300.0,
            "phases_seconds": {"load_macros": 1.2, "parse_project": 4.0},
        },
        "runs": [run],
    }
    text = bench.render(results)
    assert "production run, one new day | production run, no new data" in text
    assert "| 40.0 (24.0) [900.0] | 30.0 (12.0) [900.0] | 0.1 | 0.05 |" in text
    assert "Cold `dbt parse`: 7.5 s wall [300.0 MiB]" in text
    assert "load_macros 1.2, parse_project 4.0" in text
    assert "reading only the last 4 days of loads" in text
