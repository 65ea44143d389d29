"""Discovery after a real build: the frequency lift and the catalog rank the demo's numeric
behaviour (Video Watched, watched more often by high-intent users) above its frequent decoy
(Heartbeat Sent, the same rate for everyone), and the suggested definition is a valid
configuration (the config validator accepts it pasted into a project copy)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT, query, run_dbt

# The small warehouse has 60 days: a 21-day conversion window leaves a population to measure;
# a low z lets a few behaviours of so small a population pass the adjusted bound.
VARS = '{"pql_conversion_window_days": 21, "pql_lift_min_sample": 10, "pql_confidence_z": 0.5}'
SIGNAL_COLUMNS = [
    "definition_id",
    "signal_id",
    "category",
    "event_names",
    "property_filter",
    "page_path_prefix",
    "page_host",
    "aggregation",
    "property_key",
    "window_days",
    "threshold",
    "threshold_max",
    "weight",
    "disqualifies",
    "lifespan_days",
    "reason_template",
]
DEFINITION_COLUMNS = [
    "definition_id",
    "entity",
    "motion",
    "score_threshold",
    "required_signals",
    "min_fit_score",
    "min_days_before_demotion",
    "cooldown_days",
    "description",
]


@pytest.fixture(scope="module")
def discovered(built, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("discovery")
    db = work_dir / "pql.duckdb"
    db.write_bytes(built.db.read_bytes())
    run_dbt(
        [
            "build",
            "-s",
            "fct_lift_population+",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            VARS,
        ],
        db,
        work_dir,
    )
    return db


def _best(db, entity, event):
    return query(
        db,
        """select min(lift_rank), max(case when is_significant_adjusted then 1 else 0 end)
        from main_marts.rpt_signal_lift_by_frequency
        where entity = ? and feature_type = 'event' and feature_id = ?""",
        [entity, event],
    )[0]


@pytest.mark.parametrize("entity", ["user", "account"])
def test_numeric_behaviour_ranks_above_the_frequent_decoy(discovered, entity):
    video_rank, _ = _best(discovered, entity, "video_watched")
    heartbeat_rank, heartbeat_significant = _best(discovered, entity, "heartbeat_sent")
    assert video_rank is not None and heartbeat_rank is not None
    assert video_rank < heartbeat_rank
    assert heartbeat_significant == 0
    catalog = dict(
        query(
            discovered,
            """select feature_id, best_lift_rank from main_marts.rpt_event_catalog
            where entity = ? and feature_type = 'event'
            and feature_id in ('video_watched', 'heartbeat_sent')""",
            [entity],
        )
    )
    assert catalog["video_watched"] < catalog["heartbeat_sent"]


def test_doing_it_often_is_measured_where_doing_it_once_is_not(discovered):
    rows = dict(
        query(
            discovered,
            """select cutoff_label, lift_rank from main_marts.rpt_signal_lift_by_frequency
            where entity = 'user' and feature_id = 'video_watched'""",
        )
    )
    # nearly every user watches a video: "at least once" ranks far below its best cut-off
    assert rows["at_least_once"] > min(
        rank for label, rank in rows.items() if label != "at_least_once"
    )


def test_suggested_definition_passes_the_config_validator(discovered, tmp_path):
    signals = query(
        discovered,
        f"select {', '.join(SIGNAL_COLUMNS)} from main_marts.rpt_suggested_signals",
    )
    definitions = query(
        discovered,
        f"select {', '.join(DEFINITION_COLUMNS)} from main_marts.rpt_suggested_definitions",
    )
    assert signals and definitions
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "seeds", project / "seeds")
    shutil.copytree(
        REPO_ROOT / "models" / "intermediate" / "signals",
        project / "models" / "intermediate" / "signals",
    )
    shutil.copy(REPO_ROOT / "dbt_project.yml", project / "dbt_project.yml")
    for name, columns, rows in (
        ("pql_signals.csv", SIGNAL_COLUMNS, signals),
        ("pql_definitions.csv", DEFINITION_COLUMNS, definitions),
    ):
        with open(project / "seeds" / name, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    result = subprocess.run(
        [sys.executable, "-m", "pql_tools.check_config", "--project-dir", str(project)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
