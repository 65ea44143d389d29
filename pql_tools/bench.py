"""Benchmark: full `dbt build` and a one-day incremental run at ~1M and ~10M events, beside the
hand-written DuckDB floor (bench/floor.sql). Writes bench/results.md and bench/results.json.

    python -m pql_tools.bench                  # the default sizes (1m, 10m)
    python -m pql_tools.bench --sizes 1m       # one size
    python -m pql_tools.bench --sizes 30m      # larger on request

Each measured step runs in its own process; wall time and that process's peak resident memory
(os.wait4) are recorded. The warehouse is built from the raw data less its last day of loads,
then the last day is appended and `dbt build` runs incrementally.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO_ROOT / "bench"
WORK_DIR = REPO_ROOT / "target" / "bench"
BIN = Path(sys.executable).parent

# Generator arguments per size; the names say the approximate number of track + page rows.
SIZES = {
    "1m": {"accounts": 2000, "days": 180},
    "10m": {"accounts": 20000, "days": 180},
    "30m": {"accounts": 60000, "days": 180},
}
SEED = 42
EVENT_TABLES = ("tracks", "pages", "identifies", "groups")
# The models the floor computes, and what they need upstream.
STREAM_SELECTOR = "+int_user_activity_daily +int_account_activity_daily"
# The learned score's nodes (docs/learned_score.md): its point-in-time features (SQL) and the
# Python model that trains, validates and scores.
LEARNED_SCORE_NODES = {
    "features": "model.pql.int_learned_score_features",
    "train_and_score": "model.pql.int_learned_score_fitted",
}


def learned_score_seconds(run_results: dict) -> dict:
    """The learned score's node times in one dbt command (run_results.json), by role."""
    times = {r["unique_id"]: r["execution_time"] for r in run_results.get("results", [])}
    return {
        role: round(times[node], 2) for role, node in LEARNED_SCORE_NODES.items() if node in times
    }


def measure(command: list[str], env: dict[str, str]) -> dict:
    """Run a command; return wall seconds and the child's peak RSS in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-4000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def dbt(args: list[str], db: Path, env: dict[str, str]) -> dict:
    """Run dbt; besides the process's wall time, record dbt's own elapsed time for the nodes it
    ran (run_results.json), which leaves out start-up (imports, manifest) and shut-down."""
    target = WORK_DIR / "dbt_target"
    result = measure(
        [str(BIN / "dbt"), *args, "--target-path", str(target), "--log-path", str(target)],
        {**env, "PQL_DUCKDB_PATH": str(db)},
    )
    run_results = target / "run_results.json"
    if run_results.exists():
        results = json.loads(run_results.read_text())
        result["nodes_seconds"] = round(results["elapsed_time"], 2)
        result["learned_score_seconds"] = learned_score_seconds(results)
    return result


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
    full_build = dbt(["build", "--full-refresh"], db, env)
    copy_events(raw, db, before_cut, create=False)
    incremental_build = dbt(["build"], db, env)

    # The stream layer alone (what the floor computes): staging, identity, the classified rows,
    # the clean stream and both daily activity tables; full refresh, then the one-day increment.
    stream_db = size_dir / "stream.duckdb"
    copy_events(raw, stream_db, before_cut, create=True)
    dbt(["seed"], stream_db, env)
    stream_run = dbt(["run", "--full-refresh", "--select", STREAM_SELECTOR], stream_db, env)
    floor_db = size_dir / "handwritten.duckdb"
    copy_events(raw, floor_db, before_cut, create=True)
    floor_sql = (BENCH_DIR / "floor.sql").read_text()
    floor = measure(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
            "con.execute(\"set TimeZone = 'UTC'\"); con.execute(sys.argv[2])",
            str(floor_db),
            floor_sql,
        ],
        env,
    )
    with duckdb.connect(str(stream_db), read_only=True) as con:
        con.execute(f"attach '{floor_db}' as floor_db (read_only)")
        stream_matches_floor = con.execute(
            "select (select count(*) from main_intermediate.int_events_resolved) "
            "= (select count(*) from floor_db.floor.events) and "
            "(select sum(event_count) from main_intermediate.int_user_activity_daily) "
            "= (select sum(event_count) from floor_db.floor.user_daily)"
        ).fetchone()[0]
    copy_events(raw, stream_db, before_cut, create=False)
    stream_incremental = dbt(["run", "--select", STREAM_SELECTOR], stream_db, env)
    # What any dbt command costs before and after its work: one staging view, re-created.
    dbt_fixed_cost = dbt(["run", "--select", "stg_cdp__groups"], stream_db, env)
    shutil.rmtree(size_dir, ignore_errors=True)
    return {
        "size": name,
        "generator_args": {**args, "seed": SEED},
        "event_rows": event_rows,
        "last_day_event_rows": last_day_rows,
        "generate": generate,
        "full_build": full_build,
        "incremental_build_one_day": incremental_build,
        "stream_models_full_run": stream_run,
        "stream_models_incremental_run": stream_incremental,
        "dbt_fixed_cost": dbt_fixed_cost,
        "floor_script": floor,
        "stream_matches_floor": bool(stream_matches_floor),
        "incremental_to_full_ratio": round(incremental_build["seconds"] / full_build["seconds"], 3),
        "stream_run_to_floor_ratio": round(stream_run["seconds"] / floor["seconds"], 2),
        "stream_incremental_to_full_ratio": round(
            stream_incremental["seconds"] / stream_run["seconds"], 3
        ),
        "stream_incremental_to_full_nodes_ratio": round(
            stream_incremental["nodes_seconds"] / stream_run["nodes_seconds"], 3
        ),
    }


def render(results: dict) -> str:
    runs = results["runs"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {results['cores']} cores, {results['memory_gib']} GiB, "
        f"{results['platform']}; duckdb {results['duckdb']}. Rerun with `make bench`. "
        "Seconds are wall time of the whole command; peak memory (MiB) is that process's.",
        "",
        "## Identity and clean event stream (the models `bench/floor.sql` computes)",
        "",
        "| size | event rows | full refresh s (peak MiB) | one-day incremental s (peak MiB) "
        "| incremental / full | the same, dbt's node time only | hand-written floor s "
        "(peak MiB) | full / floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        full, inc = r["stream_models_full_run"], r["stream_models_incremental_run"]
        lines.append(
            f"| {r['size']} | {r['event_rows']:,} "
            f"| {full['seconds']} ({full['peak_rss_mib']}) "
            f"| {inc['seconds']} ({inc['peak_rss_mib']}) "
            f"| {r['stream_incremental_to_full_ratio']} "
            f"| {inc['nodes_seconds']} / {full['nodes_seconds']} = "
            f"{r['stream_incremental_to_full_nodes_ratio']} "
            f"| {r['floor_script']['seconds']} ({r['floor_script']['peak_rss_mib']}) "
            f"| {r['stream_run_to_floor_ratio']} |"
        )
    lines += [
        "",
        "## Whole project",
        "",
        "| size | generate s | full `dbt build` s (peak MiB) "
        "| one-day incremental `dbt build` s (peak MiB) | incremental / full "
        "| dbt start-up and shut-down s |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        full, inc = r["full_build"], r["incremental_build_one_day"]
        fixed = r["dbt_fixed_cost"]
        lines.append(
            f"| {r['size']} | {r['generate']['seconds']} "
            f"| {full['seconds']} ({full['peak_rss_mib']}) "
            f"| {inc['seconds']} ({inc['peak_rss_mib']}) "
            f"| {r['incremental_to_full_ratio']} "
            f"| {round(fixed['seconds'] - fixed['nodes_seconds'], 2)} |"
        )
    lines += [
        "",
        "## Learned score",
        "",
        "| size | full build: features s | full build: train + score s "
        "| one-day incremental: features s | one-day incremental: train + score s |",
        "|---|---|---|---|---|",
    ]
    for r in runs:
        full = r["full_build"].get("learned_score_seconds", {})
        inc = r["incremental_build_one_day"].get("learned_score_seconds", {})
        lines.append(
            f"| {r['size']} | {full.get('features', '-')} | {full.get('train_and_score', '-')} "
            f"| {inc.get('features', '-')} | {inc.get('train_and_score', '-')} |"
        )
    lines += [
        "",
        "- Identity and clean event stream: `dbt run --select " + STREAM_SELECTOR + "` (staging, "
        "identity, the classified rows, the clean stream, both daily activity tables), no tests; "
        "a full refresh on the raw data less its last day of loads, then that day appended and "
        "the same command run incrementally (the new day plus the `pql_lookback_days` lookback). "
        "dbt's node time is `elapsed_time` in run_results.json: the run without dbt's own "
        "start-up and shut-down. The floor (`bench/floor.sql`) computes the same clean stream "
        "and daily tables from the same data in one DuckDB script (row counts checked equal: "
        + ", ".join(f"{r['size']} {'yes' if r['stream_matches_floor'] else 'NO'}" for r in runs)
        + ").",
        "- Whole project: `dbt build` (every model, seed, data test and unit test) from scratch "
        "on the same data, then the last day appended and `dbt build` again. Only the stream "
        "layer is incremental; metrics, the threshold engine, reports and every test run in "
        "full each time.",
        "- Learned score: node times (run_results.json) of `int_learned_score_features` (the "
        "point-in-time features of every backtest week and today) and `int_learned_score_fitted` "
        "(per definition: the validated fit, the refit on every labelled week, and scoring), "
        "within the whole-project builds above.",
        "- dbt start-up and shut-down: wall time less node time of `dbt run` of one staging "
        "view, a cost every dbt command pays.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pql benchmark")
    parser.add_argument("--sizes", nargs="+", default=["1m", "10m"], choices=sorted(SIZES))
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PQL_DUCKDB_TEMP": str(WORK_DIR / "duckdb_tmp"),
    }
    WORK_DIR.mkdir(parents=True, exist_ok=True)
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
        "runs": runs,
    }
    BENCH_DIR.mkdir(exist_ok=True)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH_DIR / "results.md").write_text(render(results))
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
