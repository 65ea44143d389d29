"""Helpers the pytest suite shares: run dbt against a DuckDB file, copy raw data, query."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).parent / "dbt")

RAW_EVENT_TABLES = ("tracks", "pages", "identifies", "groups")
RAW_OTHER_TABLES = (
    "subscriptions",
    "crm_accounts",
    "crm_contacts",
    "crm_opportunities",
    "crm_activities",
)
RAW_TABLES = RAW_EVENT_TABLES + RAW_OTHER_TABLES


def run_dbt(
    args: list[str],
    db_path: Path | None,
    work_dir: Path,
    check: bool = True,
    env_overrides: dict[str, str] | None = None,
) -> str:
    """Run one dbt command in a subprocess against `db_path`; raise with dbt's output on failure.

    dbt runs in its own process because dbt-duckdb and a test's own DuckDB connection cannot
    hold the same file at once. `env_overrides` selects another target (tests/test_engines.py:
    PQL_TARGET and its connection variables); `db_path` is then None.
    """
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        PQL_DUCKDB_TEMP=str(work_dir / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if db_path is not None:
        env["PQL_DUCKDB_PATH"] = str(db_path)
    env.update(env_overrides or {})
    command = [
        DBT,
        *args,
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{output[-6000:]}"
        )
    return output


def build_from_scratch(db_path: Path, work_dir: Path) -> str:
    """What a first deployment runs: plain `dbt build` on a target with only the raw tables
    (seeds, models, data tests and unit tests in one command, no prior step)."""
    return run_dbt(["build"], db_path, work_dir)


def query(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path)) as con:
        return con.execute(sql, params or []).fetchall()


def scalar(db_path: Path, sql: str, params: list | None = None):
    rows = query(db_path, sql, params)
    return rows[0][0]


def copy_raw(
    source_db: Path,
    target_db: Path,
    received_after: str | None = None,
    received_through: str | None = None,
) -> None:
    """Copy the raw schema; event tables only for rows whose received_at is in the window
    (received_after, received_through]. Other tables are copied whole (they are not incremental).
    Appends when the target table exists."""
    with duckdb.connect(str(target_db)) as con:
        con.execute(f"attach '{source_db}' as src (read_only)")
        con.execute("create schema if not exists raw")
        existing = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = current_database() and table_schema = 'raw'"
            ).fetchall()
        }
        for table in RAW_TABLES:
            where = "true"
            if table in RAW_EVENT_TABLES:
                if received_after is not None:
                    where += f" and received_at > timestamp '{received_after}'"
                if received_through is not None:
                    where += f" and received_at <= timestamp '{received_through}'"
            if table not in existing:
                con.execute(
                    f"create table raw.{table} as select * from src.raw.{table} where {where}"
                )
            elif table in RAW_EVENT_TABLES:
                con.execute(f"insert into raw.{table} select * from src.raw.{table} where {where}")
        con.execute("detach src")
