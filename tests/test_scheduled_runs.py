"""Scheduled runs (docs/running.md): source freshness on typed and text raw tables, a stale demo
table warning then erroring, the production run's exit codes, and slim CI
(`state:modified+ --defer --state`) selecting only a changed model and its children."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pql_demo import generate
from tests.support import DBT, REPO_ROOT, run_dbt

SCRIPT = REPO_ROOT / "scripts" / "production_run.sh"


@pytest.fixture(scope="module")
def fresh_raw(tmp_path_factory) -> Path:
    """A small raw warehouse whose data runs up to today (typed columns), so it is fresh."""
    db = tmp_path_factory.mktemp("fresh") / "source.duckdb"
    generate(db, accounts=60, days=30, seed=7, end_date=dt.date.today(), raw_shape="typed")
    return db


@pytest.fixture
def warehouse(fresh_raw, tmp_path) -> Path:
    db = tmp_path / "pql.duckdb"
    shutil.copyfile(fresh_raw, db)
    return db


def freshness(db: Path, work_dir: Path, *args: str) -> dict[str, dict]:
    """Run `dbt source freshness`; return sources.json's result per table (cdp.tracks, ...)."""
    sources_json = work_dir / "target" / "sources.json"
    sources_json.unlink(missing_ok=True)
    run_dbt(["source", "freshness", *args], db, work_dir, check=False)
    results = json.loads(sources_json.read_text())["results"]
    return {r["unique_id"].split(".", 2)[2]: r for r in results}


def production_run(db: Path, work_dir: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        PQL_DUCKDB_PATH=str(db),
        PQL_DUCKDB_TEMP=str(work_dir / "duckdb_tmp"),
        DBT_TARGET_PATH=str(work_dir / "target"),
        DBT_LOG_PATH=str(work_dir / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        PQL_DBT=DBT,
        **env,
    )
    return subprocess.run(
        ["bash", str(SCRIPT)], env=full_env, capture_output=True, text=True, check=False
    )


def relation_exists(db: Path, schema: str, name: str) -> bool:
    with duckdb.connect(str(db)) as con:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables"
                " where table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()[0]
        )


def freshness_of(work_dir: Path, table: str) -> str:
    results = json.loads((work_dir / "target" / "sources.json").read_text())["results"]
    return next(r["status"] for r in results if r["unique_id"].endswith(f".{table}"))


def test_freshness_and_the_production_run_exit_codes(warehouse, tmp_path):
    """Fresh demo data passes; a text received_at reads like the typed one and a row stamped
    2099 is not believed; a stale tracks table stops the run (10) or, with a wider error
    threshold, warns and the run builds and syncs (3); a failing build (20) and a freshness
    query that cannot run (11) have their own codes."""
    fresh = freshness(warehouse, tmp_path)
    assert set(fresh) == {
        "cdp.tracks",
        "cdp.pages",
        "cdp.identifies",
        "cdp.groups",
        "billing.subscriptions",
        "crm.crm_accounts",
        "crm.crm_contacts",
        "crm.crm_opportunities",
        "crm.crm_activities",
    }
    assert fresh["cdp.tracks"]["status"] == "pass"

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "alter table raw.tracks alter received_at type varchar"
            " using strftime(received_at, '%Y-%m-%dT%H:%M:%S.%fZ')"
        )
        con.execute(
            "insert into raw.tracks (id, user_id, event, timestamp, received_at)"
            " values ('future', 'u', 'x', '2099-01-01T00:00:00Z', '2099-01-01T00:00:00Z')"
        )
    text = freshness(warehouse, tmp_path, "--select", "source:cdp.tracks")["cdp.tracks"]
    assert text["status"] == "pass"
    assert text["max_loaded_at"] == fresh["cdp.tracks"]["max_loaded_at"]

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw.tracks set received_at = strftime("
            "cast(received_at as timestamp) - interval 3 day, '%Y-%m-%dT%H:%M:%S.%fZ')"
        )
    marker = tmp_path / "synced"
    small_build = {"PQL_BUILD_ARGS": "--select dim_dates"}
    sync = {"PQL_SYNC_COMMAND": f"touch '{marker}'"}

    # 72 hours and more: past the default error threshold (36 h): nothing built, no sync
    stale = production_run(warehouse, tmp_path, **small_build, **sync)
    assert stale.returncode == 10, stale.stdout[-3000:]
    assert freshness_of(tmp_path, "tracks") == "error"
    assert freshness_of(tmp_path, "pages") == "pass"
    assert not relation_exists(warehouse, "main_marts", "dim_dates") and not marker.exists()

    # a 240-hour error threshold: tracks only warns (12 h), the run builds and syncs
    late = production_run(
        warehouse,
        tmp_path,
        PQL_DBT_ARGS="--vars '{pql_freshness_events_error_hours: 240}'",
        **small_build,
        **sync,
    )
    assert late.returncode == 3, late.stdout[-3000:]
    assert freshness_of(tmp_path, "tracks") == "warn"
    assert relation_exists(warehouse, "main_marts", "dim_dates") and marker.exists()
    marker.unlink()

    failing_build = production_run(
        warehouse,
        tmp_path,
        PQL_FRESHNESS_SELECT="source:cdp.pages",
        PQL_BUILD_ARGS="--select dim_dates --vars '{pql_metric_calendar_future_days: -1}'",
        **sync,
    )
    assert failing_build.returncode == 20, failing_build.stdout[-3000:]
    assert not marker.exists()

    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop table raw.crm_contacts")
    broken = production_run(warehouse, tmp_path, PQL_FRESHNESS_SELECT="source:crm", **small_build)
    assert broken.returncode == 11, broken.stdout[-3000:]
    assert "crm_contacts" in broken.stdout


def test_slim_ci_builds_only_the_changed_model_and_its_children(built, tmp_path):
    """Production artifacts = the session build's target/. A copy of the project with one model
    changed; `dbt build --select state:modified+ --defer --state <prod>` builds that model and
    its descendants only."""
    project = tmp_path / "project"
    shutil.copytree(
        REPO_ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "target", "logs", "*.duckdb*", "__pycache__"
        ),
    )
    changed = "fct_qualifications"
    model_file = project / "models" / "marts" / "funnel" / f"{changed}.sql"
    model_file.write_text(model_file.read_text() + "\n-- changed in a pull request\n")
    # DuckDB names the database after the file: the same name as production's, so relations match
    (tmp_path / "ci").mkdir()
    db = tmp_path / "ci" / built.db.name
    shutil.copyfile(built.db, db)

    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        PQL_DUCKDB_PATH=str(db),
        PQL_DUCKDB_TEMP=str(tmp_path / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    state = built.work_dir / "target"
    command = [DBT, "build", "--select", "state:modified+", "--defer", "--state", str(state)]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]

    prod = json.loads((state / "manifest.json").read_text())
    expected, todo = set(), [f"model.pql.{changed}"]
    while todo:
        node = todo.pop()
        if node not in expected:
            expected.add(node)
            todo.extend(prod["child_map"].get(node, []))
    expected_models = {n for n in expected if n.startswith("model.")}
    run = json.loads((project / "target" / "run_results.json").read_text())["results"]
    built_models = {r["unique_id"] for r in run if r["unique_id"].startswith("model.")}
    assert built_models == expected_models
    all_models = [n for n in prod["nodes"] if n.startswith("model.pql.")]
    assert 1 < len(built_models) < len(all_models) / 4


def test_production_run_skips_unit_tests_and_scopes_incremental_tests_to_the_window(
    warehouse, tmp_path
):
    """The production run builds with selector production_run: every model and data test, no
    unit test; a test on an incremental model reads only the rows loaded in the last
    PQL_TEST_WINDOW_DAYS days, and still fails the run on a bad row planted in that window.
    A bad row older than the window is seen by the same test reading the whole table (CI)."""
    cdp_only = {"PQL_FRESHNESS_SELECT": "source:cdp"}  # CRM rows of a 30-day demo may warn
    first = production_run(warehouse, tmp_path, **cdp_only)
    assert first.returncode == 0, first.stdout[-3000:]
    assert "dbt build --selector production_run" in first.stdout
    run = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in run}
    assert "unit_test" not in kinds and {"model", "test", "seed"} <= kinds
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    assert manifest["unit_tests"], "the project has unit tests: they were left out, not absent"
    tests_run = {r["unique_id"] for r in run if r["unique_id"].startswith("test.")}
    tagged = {k for k, n in manifest["nodes"].items() if "pql_discovery" in n["tags"]}
    discovery = tagged | {
        k
        for k, n in manifest["nodes"].items()
        if n["resource_type"] == "test" and set(n["depends_on"]["nodes"]) & tagged
    }
    assert discovery and not discovery & {r["unique_id"] for r in run}, (
        "signal discovery is the weekly selector discovery_run's, not the daily run's"
    )
    assert (
        tests_run
        == {k for k, n in manifest["nodes"].items() if n["resource_type"] == "test"} - discovery
    ), "every other data test runs in production"
    weekly = production_run(
        warehouse, tmp_path, PQL_BUILD_ARGS="--selector discovery_run", **cdp_only
    )
    assert weekly.returncode == 0, weekly.stdout[-3000:]
    weekly_run = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    assert {r["unique_id"] for r in weekly_run if not r["unique_id"].startswith("operation.")} == {
        k for k in discovery if manifest["nodes"][k]["resource_type"] in ("model", "test")
    }

    not_null = "not_null_int_event_rows_classified_message_id"
    compiled = next((tmp_path / "target" / "compiled").rglob(f"{not_null}.sql")).read_text()
    assert '"received_at" <' in compiled, compiled  # the window: the last 4 days' rows
    singular = next((tmp_path / "target" / "compiled").rglob("assert_event_rows_reconcile*.sql"))
    assert "dbt_subquery" not in singular.read_text()  # singular tests read whole tables

    def plant(days_ago: int, row_id: str) -> None:
        """A classified row without a message id (a bug the not_null test exists to catch),
        loaded `days_ago` days before now; rejected, so the clean stream does not read it."""
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "insert into main_intermediate.int_event_rows_classified"
                " by name select ? as event_row_id, 1 as occurrence_number,"
                " 'track' as event_source,"
                " 'x' as event_name, now()::timestamp - to_days(?) as received_at,"
                " 'duplicate_message_id' as rejection_reason",
                [row_id, days_ago],
            )

    def dbt_test(name: str, window: bool) -> str:
        """`dbt test` of one test, reading the production run's 4-day window or whole tables."""
        scope = ["--vars", "{pql_test_window_days: 4}"] if window else []
        return run_dbt(["test", "--select", name, *scope], warehouse, tmp_path, check=False)

    plant(1, "planted-new")
    caught = production_run(
        warehouse, tmp_path, PQL_BUILD_ARGS="--select int_event_rows_classified", **cdp_only
    )
    assert caught.returncode == 20, caught.stdout[-3000:]
    assert f"Failure in test {not_null}" in caught.stdout, caught.stdout[-3000:]

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "delete from main_intermediate.int_event_rows_classified"
            " where event_row_id = 'planted-new'"
        )
    plant(20, "planted-old")
    scoped = dbt_test(not_null, window=True)
    assert f"PASS {not_null}" in scoped, scoped[-2000:]
    whole = dbt_test(not_null, window=False)
    assert f"FAIL 1 {not_null}" in whole, whole[-2000:]

    # A uniqueness test reads every key, window or not: a duplicate event written 20 days ago
    # (outside the window) still fails the production run's test.
    unique = "unique_int_events_resolved_event_id"
    compiled_unique = next((tmp_path / "target" / "compiled").rglob(f"{unique}.sql")).read_text()
    assert "dbt_subquery" not in compiled_unique, compiled_unique
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into main_intermediate.int_events_resolved select * replace"
            " (now()::timestamp - to_days(20) as resolved_received_at)"
            " from main_intermediate.int_events_resolved limit 1"
        )
    duplicate = dbt_test(unique, window=True)
    assert f"FAIL 1 {unique}" in duplicate, duplicate[-2000:]

    # The sync marts are rebuilt every run, but a row's synced fields change only with its
    # last_changed_at: their accepted_values tests read the rows changed in the window (the
    # test's own meta), their key tests every row.
    sync_test = next(
        name
        for name, node in manifest["nodes"].items()
        if node["resource_type"] == "test"
        and node.get("attached_node") == "model.pql.sync_salesforce__contacts"
        and node.get("column_name") == "pql_status"
    )
    sync_test_name = manifest["nodes"][sync_test]["name"]
    sync_test_file = manifest["nodes"][sync_test]["alias"]  # a long name is shortened with a hash
    compiled_sync = next(
        (tmp_path / "target" / "compiled").rglob(f"{sync_test_file}.sql")
    ).read_text()
    assert '"last_changed_at" <' in compiled_sync, compiled_sync
    sync_key_test = next(
        (tmp_path / "target" / "compiled").rglob("unique_sync_salesforce__contacts_contact_id.sql")
    ).read_text()
    assert "dbt_subquery" not in sync_key_test, sync_key_test

    def plant_sync(days_ago: int) -> None:
        """One contact's sync row with a PQL status no CRM picklist has, changed `days_ago`."""
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "update main_marts.sync_salesforce__contacts set pql_status = 'bogus',"
                " last_changed_at = now()::timestamp - to_days(?)"
                " where contact_id = (select min(contact_id)"
                " from main_marts.sync_salesforce__contacts)",
                [days_ago],
            )

    plant_sync(1)
    recent = dbt_test(sync_test_name, window=True)
    assert f"FAIL 1 {sync_test_name}" in recent, recent[-2000:]
    plant_sync(20)
    old = dbt_test(sync_test_name, window=True)
    assert f"PASS {sync_test_name}" in old, old[-2000:]
    whole_sync = dbt_test(sync_test_name, window=False)
    assert f"FAIL 1 {sync_test_name}" in whole_sync, whole_sync[-2000:]
