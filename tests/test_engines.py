"""The whole project on another engine than DuckDB, from the same code: `dbt build` (seeds,
models, every data test and unit test) on a small generated warehouse in both raw shapes
(text and typed), and incremental = full refresh (DESIGN.md principle 3) on that engine.

Skipped unless PQL_ENGINE names an engine whose server answers; `make test-engines` starts
one (scripts/engines/run_postgres_suite.sh) and runs this file:

    PQL_ENGINE=postgres PQL_PG_PORT=55432 .venv/bin/python -m pytest tests/test_engines.py
"""

from __future__ import annotations

import json
import os
from datetime import timedelta

import duckdb
import pytest

from pql_demo import generate
from pql_tools.load_raw import load
from tests.support import RAW_EVENT_TABLES, copy_raw, run_dbt, scalar
from tests.test_incremental import COMPARED_WITHOUT_PYTHON

ENGINE = os.environ.get("PQL_ENGINE", "")
# Small on purpose: each build on a server engine costs about a minute and a half.
WAREHOUSE = {"accounts": 60, "days": 30, "seed": 7}


def _postgres_dsn() -> dict:
    env = os.environ.get
    return {
        "host": env("PQL_PG_HOST", "127.0.0.1"),
        "port": int(env("PQL_PG_PORT", "55432")),
        "user": env("PQL_PG_USER", "pql"),
        "password": env("PQL_PG_PASSWORD", ""),
        "dbname": env("PQL_PG_DATABASE", "pql"),
    }


def _postgres_up() -> bool:
    import psycopg2

    try:
        psycopg2.connect(connect_timeout=3, **_postgres_dsn()).close()
    except psycopg2.OperationalError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    ENGINE != "postgres" or not _postgres_up(),
    reason="set PQL_ENGINE=postgres with a server up (make test-engines starts one)",
)


def _pg_query(sql: str) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(**_postgres_dsn()) as con, con.cursor() as cur:
        cur.execute(sql)
        rows = cur.fetchall()
    con.close()
    return rows


def run_engine_dbt(args: list[str], schema: str, raw_schema: str, work_dir) -> str:
    """One dbt command on the engine's target: models in `<schema>_*`, raw tables read from
    `raw_schema`. Fails with dbt's output."""
    return run_dbt(
        [*args, "--vars", json.dumps({"pql_raw_schema": raw_schema})],
        None,
        work_dir,
        env_overrides={"PQL_TARGET": ENGINE, "PQL_PG_SCHEMA": schema},
    )


def listed_models(work_dir) -> dict[str, str]:
    """The models this target builds (disabled ones are not listed), each with its language."""
    output = run_engine_dbt(
        ["ls", "--resource-type", "model", "--output", "json", "--output-keys", "name language"],
        schema="pql_ls",
        raw_schema="raw",
        work_dir=work_dir,
    )
    models = {}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{"):
            listed = json.loads(line)
            models[listed["name"]] = listed["language"]
    return models


def python_model_exclusions(models: dict[str, str]) -> list[str]:
    """`--exclude` arguments for the Python models this target would still try to run, and
    everything downstream of them. Empty once every Python model is disabled on targets that
    cannot run Python models (their SQL twins run instead)."""
    names = [f"{name}+" for name, language in models.items() if language == "python"]
    return ["--exclude", *names] if names else []


@pytest.fixture(scope="module")
def engine_raw(tmp_path_factory):
    """The generated warehouse in both shapes, as DuckDB files."""
    work = tmp_path_factory.mktemp("engine_raw")
    shapes = {}
    for shape in ("text", "typed"):
        shapes[shape] = work / f"{shape}.duckdb"
        generate(shapes[shape], raw_shape=shape, **WAREHOUSE)
    return shapes


@pytest.fixture(scope="module")
def engine_models(tmp_path_factory):
    return listed_models(tmp_path_factory.mktemp("engine_ls"))


@pytest.fixture(scope="module")
def exclusions(engine_models):
    return python_model_exclusions(engine_models)


@pytest.mark.parametrize("shape", ["text", "typed"])
def test_build_passes(engine_raw, exclusions, tmp_path, shape):
    """Seeds, every model, data test and unit test pass on the engine, in both raw shapes."""
    load(str(engine_raw[shape]), _postgres_dsn(), schema=f"raw_{shape}")
    output = run_engine_dbt(
        ["build", *exclusions], schema=f"full_{shape}", raw_schema=f"raw_{shape}", work_dir=tmp_path
    )
    assert " ERROR=0 " in output and " SKIP=0 " in output, output[-3000:]
    clean = _pg_query(f"select count(*) from full_{shape}_intermediate.int_events_resolved")
    assert clean[0][0] > 0, f"{shape}: the clean event stream is empty"


def test_incremental_equals_full_refresh(engine_raw, exclusions, tmp_path):
    """Build on all but the last day, load that day, build incrementally: the incremental
    models and what reads them equal a full build of the same data (test_build_passes[text]
    built it, in schema full_text)."""
    source = engine_raw["text"]
    max_received = scalar(source, "select max(received_at) from raw.tracks")
    cut = max_received - timedelta(days=1)
    first = tmp_path / "first.duckdb"
    new_day = tmp_path / "new_day.duckdb"
    copy_raw(source, first, received_through=str(cut))
    copy_raw(source, new_day, received_after=str(cut))
    with duckdb.connect(str(new_day)) as con:
        # only the events arrive late; the other raw tables are already whole in `first`
        for table in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall():
            if table[0] not in RAW_EVENT_TABLES:
                con.execute(f"drop table raw.{table[0]}")

    dsn = _postgres_dsn()
    load(str(first), dsn, schema="raw_inc")
    run_engine_dbt(["build", *exclusions], "inc", "raw_inc", tmp_path)
    appended = load(str(new_day), dsn, schema="raw_inc", append=True)
    assert sum(appended.values()) > 0, "the new day holds no rows"
    run_engine_dbt(["build", *exclusions], "inc", "raw_inc", tmp_path)

    full_built = _pg_query(
        "select count(*) from information_schema.tables where table_schema = 'full_text_marts'"
    )[0][0]
    if not full_built:
        load(str(source), dsn, schema="raw_text")
        run_engine_dbt(["build", *exclusions], "full_text", "raw_text", tmp_path)

    differing = {}
    for relation in COMPARED_WITHOUT_PYTHON:
        schema_suffix, table = relation.split(".")
        suffix = schema_suffix.removeprefix("main_")
        inc, full = f"inc_{suffix}.{table}", f"full_text_{suffix}.{table}"
        only_inc, only_full = _pg_query(
            f"select (select count(*) from (select * from {inc} except all "
            f"select * from {full}) as a), (select count(*) from (select * from {full} "
            f"except all select * from {inc}) as b)"
        )[0]
        if only_inc or only_full:
            differing[table] = (only_inc, only_full)
    assert not differing, f"incremental differs from full refresh (rows only in each): {differing}"
