"""pql on a local Spark (dbt-spark, session method: pyspark + Java 17 in this machine, no
cluster): seeds and `dbt build` pass from the same code as DuckDB, and an incremental run on
new data equals a full refresh. Slow (Spark on 2 cores), so skipped unless PQL_TEST_SPARK=1;
`make test-spark` (scripts/engines/spark.sh) sets it.

dbt-spark cannot run Python models: the configuration validator and the engine's anti-flapping
rule build from their SQL twins there, and the learned score's readers return typed empty tables.
PQL_SPARK_EXCLUDE (empty by default) excludes a selection while a model is being ported.
Each command's wall time, CPU time and the peak memory of dbt plus its Spark JVM are printed
(pytest -s) and written to PQL_ENGINE_REPORT when set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from pql_demo import generate
from tests.support import DBT, REPO_ROOT, copy_raw, scalar
from tests.test_incremental import COMPARED_WITHOUT_PYTHON as COMPARED
from tests.test_incremental import _inject_late_rows

pytestmark = pytest.mark.skipif(
    os.environ.get("PQL_TEST_SPARK") != "1" or shutil.which("java") is None,
    reason="Spark engine test: set PQL_TEST_SPARK=1 (and have Java 17) to run it",
)

SPARK_WAREHOUSE = {"accounts": 40, "days": 30, "seed": 7}
DEFAULT_EXCLUDE = ""
LOOKBACK_DAYS = 3
MEASURED: dict[str, dict] = {}


def _tree_usage(root: int) -> tuple[int, float]:
    """Resident memory (KB) and CPU seconds so far of a process and all its descendants (dbt
    and the JVM it starts). CPU seconds do not depend on how loaded the machine is."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    rss, ticks, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return rss, ticks / os.sysconf("SC_CLK_TCK")


def _measured_run(label: str, command: list[str], env: dict, cwd: Path) -> str:
    """Run a command, sampling the memory of its process tree; record wall time and peak."""
    started = time.monotonic()
    with subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        peak, cpu = [0], [0.0]

        def sample() -> None:
            while process.poll() is None:
                rss, seconds = _tree_usage(process.pid)
                peak[0], cpu[0] = max(peak[0], rss), max(cpu[0], seconds)
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output, _ = process.communicate()
        sampler.join()
    seconds = time.monotonic() - started
    MEASURED[label] = {
        "wall_seconds": round(seconds, 1),
        "cpu_seconds": round(cpu[0], 1),
        "peak_rss_mb": round(peak[0] / 1024),
    }
    print(
        f"\n[spark] {label}: {seconds:.0f} s wall, {cpu[0]:.0f} s CPU, "
        f"peak RSS {peak[0] / 1024:.0f} MB"
    )
    report = os.environ.get("PQL_ENGINE_REPORT")
    if report:
        Path(report).write_text(json.dumps(MEASURED, indent=2))
    if process.returncode != 0:
        raise AssertionError(f"{label} failed ({process.returncode}):\n{output[-8000:]}")
    return output


class SparkProject:
    """One Spark warehouse directory (catalog + files) and the dbt commands run against it."""

    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.exclude = os.environ.get("PQL_SPARK_EXCLUDE", DEFAULT_EXCLUDE).split()
        self.env = dict(os.environ)
        self.env.update(
            DBT_PROFILES_DIR=str(REPO_ROOT),
            PQL_TARGET="spark",
            PQL_SPARK_DIR=str(work_dir / "spark"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )

    def load(self, label: str, raw_db: Path) -> None:
        _measured_run(
            label,
            [sys.executable, "-m", "pql_tools.spark_load", "--db", str(raw_db)],
            self.env,
            REPO_ROOT,
        )

    def dbt(self, label: str, args: list[str], schema: str = "pql") -> str:
        env = dict(self.env, PQL_SPARK_SCHEMA=schema)
        excluded = ["--exclude", *self.exclude] if self.exclude and args[0] != "seed" else []
        command = [
            DBT,
            *args,
            *excluded,
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
        ]
        return _measured_run(label, command, env, REPO_ROOT)

    def rows_differing(self, relations: list[tuple[str, str]]) -> dict[str, list[int]]:
        """For each (relation, its full-refresh twin): rows only in the first, only in the
        second (EXCEPT ALL both ways), read by a Spark session on the same catalog."""
        script = (
            "import json, sys\n"
            "from pql_tools.spark_load import spark_session\n"
            "spark = spark_session()\n"
            "out = {}\n"
            "for a, b in json.loads(sys.argv[1]):\n"
            "    one = spark.sql(f'select * from {a} except all select * from {b}').count()\n"
            "    two = spark.sql(f'select * from {b} except all select * from {a}').count()\n"
            "    out[a] = [one, two]\n"
            "print('PQL_DIFF ' + json.dumps(out))\n"
        )
        output = _measured_run(
            "compare incremental with full refresh",
            [sys.executable, "-c", script, json.dumps(relations)],
            self.env,
            REPO_ROOT,
        )
        line = next(x for x in output.splitlines() if x.startswith("PQL_DIFF "))
        return json.loads(line.removeprefix("PQL_DIFF "))


@pytest.fixture(scope="module")
def spark_project(tmp_path_factory) -> tuple[SparkProject, Path]:
    """Raw data up to a cut loaded into Spark, then `dbt build` (seeds, models, data tests and
    unit tests in one command: a separate `dbt seed` would load the seeds twice)."""
    work_dir = tmp_path_factory.mktemp("spark")
    source = work_dir / "source.duckdb"
    generate(source, **SPARK_WAREHOUSE)
    max_received = scalar(source, "select max(received_at) from raw.tracks")
    cut = max_received - timedelta(days=10)
    first = work_dir / "first.duckdb"
    copy_raw(source, first, received_through=str(cut))

    project = SparkProject(work_dir)
    project.load("load raw (first cut)", first)
    project.dbt("dbt build", ["build"])
    return project, source


def test_seed_and_build_pass_on_spark(spark_project):
    """The fixture ran `dbt seed` and `dbt build` (models, data tests and unit tests); any
    failure failed it. Here: the seeds hold what the CSV files hold, and the build has rows."""
    project, _ = spark_project
    script = (
        "from pql_tools.spark_load import spark_session\n"
        "spark = spark_session()\n"
        "values = [r[0] for r in spark.sql("
        "'select identity_value from pql_config.placeholder_identity_values').collect()]\n"
        "print('PQL_NULLS', sum(v is None for v in values), 'PQL_TEXT_NULL', 'null' in values)\n"
        "print('PQL_EVENTS', spark.table('pql_intermediate.int_events_resolved').count())\n"
        "print('PQL_NAMES', sorted(r[0] for r in spark.sql("
        "'select distinct event_name from pql_intermediate.int_events_resolved')"
        ".collect() if r[0] is not None))\n"
    )
    output = _measured_run(
        "check seeds and events", [sys.executable, "-c", script], project.env, REPO_ROOT
    )
    facts = {
        line.split()[0]: line.split(maxsplit=1)[1]
        for line in output.splitlines()
        if line.startswith("PQL_")
    }
    assert facts["PQL_NULLS"].startswith("0 PQL_TEXT_NULL True")
    assert int(facts["PQL_EVENTS"]) > 0
    # Java-regex event-name normalisation: camelCase and spaced names both snake_case.
    assert "project_created" in facts["PQL_NAMES"]
    assert "projec1_2reated" not in facts["PQL_NAMES"]


@pytest.fixture(scope="module")
def incremental_and_full(spark_project):
    """The rest of the raw data (with a late identify, a late duplicate and a late event)
    loaded, an incremental `dbt run` of the whole project, then a full refresh of the same data
    in schema pql_full."""
    project, source = spark_project
    max_received = scalar(source, "select max(received_at) from raw.tracks")
    cut = max_received - timedelta(days=10)
    whole = project.work_dir / "first.duckdb"
    copy_raw(source, whole, received_after=str(cut))
    _inject_late_rows(whole, max_received + timedelta(minutes=1), LOOKBACK_DAYS)
    project.load("load raw (rest, with late rows)", whole)
    project.dbt("dbt run (incremental)", ["run"])
    # The full refresh builds only what the compared relations read (their seeds and models,
    # about a third of the project): the rest cannot change them.
    compared = [name.split(".")[1] for name in COMPARED]
    project.dbt(
        "dbt build --full-refresh (compared relations and their parents)",
        [
            "build",
            "--full-refresh",
            "--resource-type",
            "seed",
            "model",
            "--select",
            *(f"+{name}" for name in compared),
        ],
        schema="pql_full",
    )
    relations = [
        (name.replace("main_", "pql_"), name.replace("main_", "pql_full_")) for name in COMPARED
    ]
    return project.rows_differing(relations)


@pytest.mark.parametrize("relation", [name.replace("main_", "pql_") for name in COMPARED])
def test_incremental_run_equals_full_refresh_on_spark(incremental_and_full, relation):
    assert incremental_and_full[relation] == [0, 0]
