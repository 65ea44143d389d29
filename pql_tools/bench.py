"""Benchmark: per size, a full `dbt build`, then the scheduled production run
(scripts/production_run.sh) on one new day of data and once more with no new data, beside the
hand-written DuckDB floor of the whole pipeline (bench/floor.sql); and, once, a cold `dbt parse`
(no partial parse, a fresh target directory). Writes
bench/results.md and bench/results.json, and each step's run_results.json (without compiled SQL)
to bench/runs/<size>/<step>.json.

    python -m pql_tools.bench                  # the default sizes (1m, 10m)
    python -m pql_tools.bench --sizes 1m       # one size
    python -m pql_tools.bench --sizes 100m     # larger on request (about 100M events)

Each measured step runs in its own process; wall time and that process's peak resident memory
(os.wait4) are recorded, and for dbt its node time (run_results.json `elapsed_time`). The
warehouse is built from the raw data less its last day of loads; the floor computes the same
states from the same data and is checked equal to the project, row for row (bench/floor_check.sql);
then the last day is appended and the production run runs (selector production_run, data tests on
incremental models scoped to the window the script sets, no unit tests), then once more with
nothing new.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "bench"
RUNS_DIR = BENCH_DIR / "runs"
WORK_DIR = REPO_ROOT / "target" / "bench"
BIN = Path(sys.executable).parent

# Generator arguments per size; the names say the approximate number of track + page rows
# (the demo writes about 870 per account over 180 days: 1m is 1.0M, 10m 10M, 100m 100M).
SIZES = {
    "1m": {"accounts": 1150, "days": 180},
    "10m": {"accounts": 11500, "days": 180},
    "30m": {"accounts": 34500, "days": 180},
    "100m": {"accounts": 115000, "days": 180},
}
SEED = 42
EVENT_TABLES = ("tracks", "pages", "identifies", "groups")
# The measured dbt steps, in order, with the file name of their kept run_results.json.
STEPS = {
    "full_build": "full `dbt build`",
    "production_run_one_day": "production run, one new day",
    "production_run_no_new_data": "production run, no new data",
}
PRODUCTION_RUN = REPO_ROOT / "scripts" / "production_run.sh"
# The script's exit codes of a good build: 0, or 3 when a source is late (the demo's data is
# dated, so freshness fails; PQL_BUILD_ON_ERROR_FRESHNESS makes the run build anyway, as an
# operator re-running a late day would).
PRODUCTION_RUN_OK = (0, 3)
# The learned score's nodes (docs/learned_score.md): its point-in-time features (SQL) and the
# Python model that trains, validates and scores.
LEARNED_SCORE_NODES = {
    "features": "model.pql.int_learned_score_features",
    "train_and_score": "model.pql.int_learned_score_fitted",
}
# How many of each step's slowest nodes results.md lists.
SLOWEST_NODES = 5
# The floor runs in one DuckDB session with the project's memory cap (profiles.yml).
FLOOR_RUNNER = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
    "con.execute(\"set TimeZone = 'UTC'\"); "
    'con.execute("set memory_limit = \'" + sys.argv[3] + "\'"); '
    "con.execute(open(sys.argv[2]).read())"
)
# The floor check (bench/floor_check.sql) runs in a process of its own too: on the project's
# database, read only, with the floor's attached, printing the differing rows as JSON. In the
# bench's own process it would leave that process large, and Linux counts a parent's memory at
# fork in its child's peak RSS (ru_maxrss), so every later step would report it as its own.
FLOOR_CHECK_RUNNER = (
    "import duckdb, json, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
    "con.execute(\"set TimeZone = 'UTC'\"); con.execute('set enable_progress_bar = false'); "
    'con.execute("set memory_limit = \'" + sys.argv[4] + "\'"); '
    'con.execute("attach \'" + sys.argv[2] + "\' as floor_db (read_only)"); '
    "print(json.dumps(con.execute(open(sys.argv[3]).read()).fetchall()))"
)


def learned_score_seconds(run_results: dict) -> dict:
    """The learned score's node times in one dbt command (run_results.json), by role."""
    times = {r["unique_id"]: r["execution_time"] for r in run_results.get("results", [])}
    return {
        role: round(times[node], 2) for role, node in LEARNED_SCORE_NODES.items() if node in times
    }


def slowest_nodes(run_results: dict, count: int = SLOWEST_NODES) -> list[list]:
    """The `count` slowest nodes of one dbt command: [unique_id, seconds], slowest first."""
    timed = sorted(
        ((r["unique_id"], r["execution_time"]) for r in run_results.get("results", [])),
        key=lambda item: -item[1],
    )
    return [[node, round(seconds, 2)] for node, seconds in timed[:count]]


def kept_run_results(run_results: dict) -> dict:
    """run_results.json without the compiled SQL and the invocation's arguments: small enough
    to keep per step, with every node's status and timings."""
    results = [
        {key: value for key, value in result.items() if key not in ("compiled_code", "compiled")}
        for result in run_results.get("results", [])
    ]
    return {
        "metadata": run_results.get("metadata"),
        "elapsed_time": run_results.get("elapsed_time"),
        "results": results,
    }


def production_test_window_days(script: Path = PRODUCTION_RUN) -> int:
    """The default test window of the production run (PQL_TEST_WINDOW_DAYS in the script), so
    the bench measures what the script runs, not a copy of its arguments."""
    found = re.search(r"\$\{PQL_TEST_WINDOW_DAYS:-([0-9]+)\}", script.read_text())
    if not found:
        raise ValueError(
            f"{script}: no default PQL_TEST_WINDOW_DAYS (${{PQL_TEST_WINDOW_DAYS:-N}})"
        )
    return int(found.group(1))


def measure(command: list[str], env: dict[str, str], ok_codes: tuple[int, ...] = (0,)) -> dict:
    """Run a command; return wall seconds and the child's peak RSS in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{output[-4000:]}")
    # wait4's usage covers the child and the children it waited for (a script's dbt runs)
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def dbt(args: list[str], db: Path, env: dict[str, str], keep_as: Path | None = None) -> dict:
    """Run dbt; besides the process's wall time, record dbt's own elapsed time for the nodes it
    ran (run_results.json), which leaves out start-up (imports, manifest) and shut-down. With
    `keep_as`, that run_results.json (less its compiled SQL) is kept there."""
    target = WORK_DIR / "dbt_target"
    command = [str(BIN / "dbt"), *args, "--target-path", str(target), "--log-path", str(target)]
    return timed_dbt(command, target, {**env, "PQL_DUCKDB_PATH": str(db)}, keep_as)


def production_run(db: Path, env: dict[str, str], keep_as: Path) -> dict:
    """Run scripts/production_run.sh as a scheduler would (source freshness, then the build of
    selector production_run with its default test window, no unit tests; no sync command)."""
    target = WORK_DIR / "dbt_target"
    script_env = {
        **env,
        "PQL_DUCKDB_PATH": str(db),
        "PQL_DBT": str(BIN / "dbt"),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target),
        "PQL_BUILD_ON_ERROR_FRESHNESS": "true",
    }
    script_env.pop("PQL_SYNC_COMMAND", None)
    result = timed_dbt(
        ["bash", str(PRODUCTION_RUN)], target, script_env, keep_as, PRODUCTION_RUN_OK
    )
    result["test_window_days"] = production_test_window_days()
    return result


def cold_parse(env: dict[str, str]) -> dict:
    """`dbt parse` as a fresh checkout pays it: partial parsing off, an empty target directory
    (dbt's own parse phases from perf_info.json beside the wall time)."""
    target = WORK_DIR / "parse_target"
    shutil.rmtree(target, ignore_errors=True)
    result = measure(
        [
            str(BIN / "dbt"),
            "parse",
            "--no-partial-parse",
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        {**env, "PQL_DUCKDB_PATH": str(WORK_DIR / "parse.duckdb")},
    )
    perf = json.loads((target / "perf_info.json").read_text())
    result["phases_seconds"] = {
        key.removesuffix("_elapsed"): round(value, 2)
        for key, value in perf.items()
        if key.endswith("_elapsed")
    }
    return result


def timed_dbt(
    command: list[str],
    target: Path,
    env: dict[str, str],
    keep_as: Path | None,
    ok_codes: tuple[int, ...] = (0,),
) -> dict:
    """Run a dbt command (or the script that runs one) and read its run_results.json."""
    run_results = target / "run_results.json"
    run_results.unlink(missing_ok=True)
    result = measure(command, env, ok_codes)
    if run_results.exists():
        results = json.loads(run_results.read_text())
        result["nodes_seconds"] = round(results["elapsed_time"], 2)
        result["learned_score_seconds"] = learned_score_seconds(results)
        result["slowest_nodes"] = slowest_nodes(results)
        if keep_as is not None:
            keep_as.parent.mkdir(parents=True, exist_ok=True)
            keep_as.write_text(json.dumps(kept_run_results(results), indent=1) + "\n")
    return result


def floor_memory_limit(env: dict[str, str]) -> str:
    """The DuckDB memory cap the project's profile gives dbt (profiles.yml), for the floor."""
    return env.get("PQL_DUCKDB_MEMORY_LIMIT", "4GB")


def run_floor(floor_db: Path, env: dict[str, str]) -> dict:
    """Run bench/floor.sql in one DuckDB session on `floor_db` (raw tables only), as its own
    process: wall seconds and peak RSS. The floor's tables land in schema `floor`, so the
    database file must not be named floor.duckdb (DuckDB would not know catalog from schema)."""
    if floor_db.stem == "floor":
        raise ValueError(f"{floor_db}: the floor's database must not be named floor.duckdb")
    return measure(
        [
            sys.executable,
            "-c",
            FLOOR_RUNNER,
            str(floor_db),
            str(BENCH_DIR / "floor.sql"),
            floor_memory_limit(env),
        ],
        env,
    )


def floor_differences(
    project_db: Path, floor_db: Path, env: dict[str, str] | None = None
) -> list[tuple]:
    """The rows one side has and the other lacks (bench/floor_check.sql): states, current
    states and the clean stream; empty when the floor equals the project. Run as its own
    process with the project's memory cap (FLOOR_CHECK_RUNNER says why)."""
    env = dict(os.environ) if env is None else env
    checked = subprocess.run(
        [
            sys.executable,
            "-c",
            FLOOR_CHECK_RUNNER,
            str(project_db),
            str(floor_db),
            str(BENCH_DIR / "floor_check.sql"),
            floor_memory_limit(env),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        raise SystemExit(f"bench/floor_check.sql failed:\n{checked.stderr[-4000:]}")
    # the rows are the last line printed (nothing else should print, but a warning may)
    return [tuple(row) for row in json.loads(checked.stdout.strip().splitlines()[-1])]


def copy_events(source: Path, target: Path, where: str, create: bool) -> None:
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        con.execute("create schema if not exists raw")
        for (table,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'src' and table_schema = 'raw'"
        ).fetchall():
            is_event = table in EVENT_TABLES
            if create:
                condition = where if is_event else "true"
                con.execute(
                    f"create table raw.{table} as select * from src.raw.{table} where {condition}"
                )
            elif is_event:
                con.execute(
                    f"insert into raw.{table} select * from src.raw.{table} where not ({where})"
                )


def bench_size(name: str, env: dict[str, str]) -> dict:
    size_dir = WORK_DIR / name
    shutil.rmtree(size_dir, ignore_errors=True)
    size_dir.mkdir(parents=True)
    runs_dir = RUNS_DIR / name
    shutil.rmtree(runs_dir, ignore_errors=True)
    raw = size_dir / "source.duckdb"
    args = SIZES[name]
    generate = measure(
        [
            sys.executable,
            "-m",
            "pql_demo",
            "--db",
            str(raw),
            "--seed",
            str(SEED),
            "--accounts",
            str(args["accounts"]),
            "--days",
            str(args["days"]),
        ],
        env,
    )
    with duckdb.connect(str(raw), read_only=True) as con:
        event_rows = con.execute(
            "select (select count(*) from raw.tracks) + (select count(*) from raw.pages)"
        ).fetchone()[0]
        last_load = con.execute("select max(received_at) from raw.tracks").fetchone()[0]
    cut = last_load - timedelta(days=1)
    before_cut = f"received_at <= timestamp '{cut}'"
    with duckdb.connect(str(raw), read_only=True) as con:
        last_day_rows = con.execute(
            f"select (select count(*) from raw.tracks where not ({before_cut})) "
            f"+ (select count(*) from raw.pages where not ({before_cut}))"
        ).fetchone()[0]

    db = size_dir / "pql.duckdb"
    copy_events(raw, db, before_cut, create=True)
    dbt(["seed"], db, env)
    dbt(["run", "--empty"], db, env)
    steps = {}
    steps["full_build"] = dbt(["build", "--full-refresh"], db, env, runs_dir / "full_build.json")

    # The floor on the same data as the full build, then checked against it row for row.
    floor_db = size_dir / "handwritten.duckdb"
    copy_events(raw, floor_db, before_cut, create=True)
    floor = run_floor(floor_db, env)
    differences = floor_differences(db, floor_db, env)
    with duckdb.connect(str(floor_db), read_only=True) as con:
        floor_state_rows = con.execute("select count(*) from floor.states").fetchone()[0]

    copy_events(raw, db, before_cut, create=False)
    for step in ("production_run_one_day", "production_run_no_new_data"):
        steps[step] = production_run(db, env, runs_dir / f"{step}.json")
    # What any dbt command costs before and after its work: one staging view, re-created.
    dbt_fixed_cost = dbt(["run", "--select", "stg_cdp__groups"], db, env)
    shutil.rmtree(size_dir, ignore_errors=True)
    full = steps["full_build"]
    return {
        "size": name,
        "generator_args": {**args, "seed": SEED},
        "event_rows": event_rows,
        "last_day_event_rows": last_day_rows,
        "generate": generate,
        **steps,
        "dbt_fixed_cost": dbt_fixed_cost,
        "floor_script": floor,
        "floor_memory_limit": floor_memory_limit(env),
        "floor_state_intervals": floor_state_rows,
        "floor_differences": len(differences),
        "floor_difference_sample": [list(row) for row in differences[:5]],
        "floor_matches_project": not differences,
        "full_to_floor_ratio": round(full["seconds"] / floor["seconds"], 2),
        "full_nodes_to_floor_ratio": round(full["nodes_seconds"] / floor["seconds"], 2),
        "incremental_to_full_ratio": round(
            steps["production_run_one_day"]["nodes_seconds"] / full["nodes_seconds"], 3
        ),
        "no_new_data_to_full_ratio": round(
            steps["production_run_no_new_data"]["nodes_seconds"] / full["nodes_seconds"], 3
        ),
    }


def machine_load() -> dict:
    """The machine's load averages (1, 5, 15 minutes) and core count: the bench shares it."""
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}


def step_cell(step: dict) -> str:
    """A dbt step as a table cell: wall seconds, dbt's node seconds, peak MiB."""
    return f"{step['seconds']} ({step['nodes_seconds']}) [{step['peak_rss_mib']}]"


def render(results: dict) -> str:
    runs = results["runs"]
    load = results["load_average"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {results['cores']} cores, {results['memory_gib']} GiB, "
        f"{results['platform']}; duckdb {results['duckdb']}. Rerun with `make bench`. "
        "Load average (1/5/15 min) at the start "
        f"{load['start']['1min']}/{load['start']['5min']}/{load['start']['15min']}, at the end "
        f"{load['end']['1min']}/{load['end']['5min']}/{load['end']['15min']}"
        f"{'; ' + results['note'] if results.get('note') else ''}.",
        "",
        "## Whole project",
        "",
        "Each cell: wall seconds of the whole command (dbt's node time, without its start-up and "
        "shut-down) [peak MiB of the process].",
        "",
        "| size | event rows | last day's rows | "
        + " | ".join(STEPS.values())
        + " | one day / full (node time) | no new data / full (node time) "
        "| dbt start-up and shut-down s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        fixed = r["dbt_fixed_cost"]
        lines.append(
            f"| {r['size']} | {r['event_rows']:,} | {r['last_day_event_rows']:,} | "
            + " | ".join(step_cell(r[step]) for step in STEPS)
            + f" | {r['incremental_to_full_ratio']} | {r['no_new_data_to_full_ratio']} "
            f"| {round(fixed['seconds'] - fixed['nodes_seconds'], 2)} |"
        )
    parse = results["cold_parse"]
    phases = ", ".join(f"{name} {seconds}" for name, seconds in parse["phases_seconds"].items())
    lines += [
        "",
        f"Cold `dbt parse`: {parse['seconds']} s wall [{parse['peak_rss_mib']} MiB] (dbt's "
        f"phases, s: {phases}).",
        "",
        "## Against the whole-pipeline floor",
        "",
        "| size | hand-written floor s [peak MiB] | full build / floor | full build's node time "
        "/ floor | floor equals the project |",
        "|---|---|---|---|---|",
    ]
    for r in runs:
        floor = r["floor_script"]
        equal = (
            f"yes ({r['floor_state_intervals']:,} state intervals)"
            if r["floor_matches_project"]
            else f"NO: {r['floor_differences']} differing rows"
        )
        lines.append(
            f"| {r['size']} | {floor['seconds']} [{floor['peak_rss_mib']}] "
            f"| {r['full_to_floor_ratio']} | {r['full_nodes_to_floor_ratio']} | {equal} |"
        )
    lines += [
        "",
        "## Learned score",
        "",
        "| size | "
        + " | ".join(
            f"{label}: {role}"
            for label in STEPS.values()
            for role in ("features s", "train + score s")
        )
        + " |",
        "|---|" + "---|" * (2 * len(STEPS)),
    ]
    for r in runs:
        cells = []
        for step in STEPS:
            times = r[step].get("learned_score_seconds", {})
            cells += [str(times.get("features", "-")), str(times.get("train_and_score", "-"))]
        lines.append(f"| {r['size']} | " + " | ".join(cells) + " |")
    lines += ["", "## Slowest nodes", ""]
    for r in runs:
        for step, label in STEPS.items():
            nodes = ", ".join(
                f"`{node.split('.')[-1]}` {seconds}" for node, seconds in r[step]["slowest_nodes"]
            )
            lines.append(f"- {r['size']}, {label}: {nodes}")
    lines += [
        "",
        "## How it is measured",
        "",
        "- Whole project: `dbt build` (every model, seed, data test and unit test) with "
        "`--full-refresh` on the raw data less its last day of loads; then that day appended "
        "and the scheduled production run (`scripts/production_run.sh`: source freshness, "
        "then `dbt build --selector production_run` with data tests on incremental models "
        "reading only the last "
        + ", ".join(sorted({str(r["production_run_one_day"]["test_window_days"]) for r in runs}))
        + " days of loads, no unit tests); then the production run once more with nothing new. "
        "The ratios compare dbt's node time (start-up is a fixed cost every command pays). "
        "Each step's run_results.json (without compiled SQL) is kept in "
        "`bench/runs/<size>/<step>.json` (not committed).",
        "- Cold parse: `dbt parse --no-partial-parse` into an empty target directory, what CI "
        "and a fresh checkout pay before any command.",
        "- The floor (`bench/floor.sql`) computes the whole pipeline for the demo configuration "
        "in one DuckDB session with the project's memory cap (`memory_limit` "
        + ", ".join(sorted({r["floor_memory_limit"] for r in runs}))
        + "), on the same data as the full build: clean stream (with the account of events "
        "sent without context), signal values, scores, anti-flapping and the state intervals. "
        "`bench/floor_check.sql` compares its states, current states and clean stream with the "
        "project's, EXCEPT ALL both ways; the intervals compared are those of constant "
        "status, score and tier (the project also starts a row where only reasons change).",
        "- dbt start-up and shut-down: wall time less node time of `dbt run` of one staging "
        "view, a cost every dbt command pays.",
        "- Learned score: node times (run_results.json) of `int_learned_score_features` and "
        "`int_learned_score_fitted` within each step.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pql benchmark")
    parser.add_argument("--sizes", nargs="+", default=["1m", "10m"], choices=sorted(SIZES))
    parser.add_argument(
        "--note", default="", help="a sentence for results.md, e.g. what else ran on the machine"
    )
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PQL_DUCKDB_TEMP": str(WORK_DIR / "duckdb_tmp"),
    }
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    load_at_start = machine_load()
    print("cold dbt parse ...", flush=True)
    parse = cold_parse(env)
    runs = []
    for size in args.sizes:
        print(f"benchmarking {size} ...", flush=True)
        runs.append(bench_size(size, env))
        print(json.dumps(runs[-1], indent=2), flush=True)
    results = {
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "duckdb": duckdb.__version__,
        "load_average": {"start": load_at_start, "end": machine_load()},
        "note": args.note,
        "cold_parse": parse,
        "runs": runs,
    }
    BENCH_DIR.mkdir(exist_ok=True)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH_DIR / "results.md").write_text(render(results))
    print(render(results))
    return 0 if all(r["floor_matches_project"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
