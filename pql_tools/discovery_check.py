"""Does the suggested definition work? Build, paste the suggestion, rebuild, measure.

    python -m pql_tools.discovery_check --db /tmp/discovery.duckdb --generate \\
        --accounts 2000 --days 180 --seed 42

Reproduces what a new team does with discovery (README "First run: find your signals"), with no
hand edits: it optionally generates the demo warehouse, copies the dbt project to a work
directory, builds it with the shipped configuration, pastes the ready-to-paste rows of
rpt_suggested_signals, rpt_suggested_definitions and rpt_suggested_tiers as the copy's only
pql_signals.csv, pql_definitions.csv and pql_tiers.csv rows, rebuilds everything downstream of
the configuration, and prints, per suggested definition, the goal numbers from the point-in-time
backtest panel (fct_backtest_panel, weeks whose conversion window is complete, pooled): the top
tier's conversion rate against the bottom tier's, the share of entity-weeks qualified and the
share of conversions they capture, beside what the suggestion's own point-in-time evidence
(rpt_suggested_definitions, on fct_suggestion_panel) promised: the flagged share within the
budget and its capture. The repository's own seeds are never touched.

Exit status 0 when it measured (1 with --require-goals when a goal is missed); a failing dbt
command stops it with dbt's output.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pql_tools.check_config import load_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).parent / "dbt")
# What the dbt project needs; the rest of the repository (tools, tests, docs) is not copied.
PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "analyses",
    "data-tests",
)
CONFIG_SEEDS = ("pql_signals", "pql_definitions", "pql_tiers")
# Where each seed's suggested rows come from (the report, its validator key, the row order).
SUGGESTIONS = {
    "pql_signals": ("rpt_suggested_signals", "signals", "definition_id, suggestion_rank"),
    "pql_definitions": ("rpt_suggested_definitions", "definitions", "definition_id"),
    "pql_tiers": ("rpt_suggested_tiers", "tiers", "min_score desc"),
}


@functools.cache
def seed_columns(seed: str) -> list[str]:
    """The seed file's columns in its order, as the configuration validator defines them."""
    validator = load_validator(REPO_ROOT)
    return [column.name for column in validator.SEEDS[SUGGESTIONS[seed][1]].columns]


# The goals: top tier at least 10x the bottom tier, at most 30% of entity-weeks
# qualified catching at least 60% of conversions.
GOAL_TIER_RATIO = 10.0
GOAL_MAX_FLAGGED = 0.30
GOAL_MIN_CAPTURE = 0.60
MARTS = "main_marts"


@dataclass
class Measured:
    definition_id: str
    entity: str
    top_tier: str
    top_rate: float | None
    bottom_tier: str
    bottom_rate: float | None
    flagged_share: float
    capture: float | None
    entity_weeks: int
    conversions: int
    panel_flagged_share: float | None = None
    panel_capture: float | None = None

    @property
    def tier_ratio(self) -> float | None:
        if not self.top_rate or not self.bottom_rate:
            return None
        return self.top_rate / self.bottom_rate

    @property
    def goals_met(self) -> bool:
        return (
            self.tier_ratio is not None
            and self.tier_ratio >= GOAL_TIER_RATIO
            and self.flagged_share <= GOAL_MAX_FLAGGED
            and self.capture is not None
            and self.capture >= GOAL_MIN_CAPTURE
        )


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (models, macros, seeds, ...) to paste the suggestion into."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, destination / part)
    return destination


def run_dbt(project: Path, db: Path, args: list[str], dbt_vars: str | None) -> str:
    """One dbt command in the project copy against `db`; raise with dbt's output on failure."""
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(project),
        PQL_DUCKDB_PATH=str(db),
        PQL_DUCKDB_TEMP=str(project / "target" / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.pop("PQL_TARGET", None)
    command = [DBT, *args] + (["--vars", dbt_vars] if dbt_vars else [])
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed ({result.returncode}):\n{output[-6000:]}")
    return output


def suggestion_evidence(db: Path) -> dict[str, tuple[float | None, float | None]]:
    """Per suggested definition, the flagged share and capture the selection measured on the
    point-in-time panel (read before the pasted build replaces the reports)."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"select definition_id, flagged_share, recall_rate "
            f"from {MARTS}.rpt_suggested_definitions"
        ).fetchall()
    return {
        definition_id: (
            None if flagged is None else float(flagged),
            None if capture is None else float(capture),
        )
        for definition_id, flagged, capture in rows
    }


def suggested_rows(db: Path) -> dict[str, list[list[str]]]:
    """The ready-to-paste rows of the three suggestion reports, as CSV text values."""
    rows = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for seed, (model, _, order) in SUGGESTIONS.items():
            present = {
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [MARTS, model],
                ).fetchall()
            }
            # a seed column the report does not suggest (an optional one) is left empty
            select = ", ".join(
                name if name in present else f"null as {name}" for name in seed_columns(seed)
            )
            fetched = con.execute(
                f"select distinct {select} from {MARTS}.{model} order by {order}"
            ).fetchall()
            rows[seed] = [["" if value is None else str(value) for value in row] for row in fetched]
    return rows


def paste(project: Path, rows: dict[str, list[list[str]]]) -> None:
    """Replace the copy's configuration with only the suggested rows."""
    for seed, (model, _, _) in SUGGESTIONS.items():
        if not rows[seed]:
            raise RuntimeError(f"{model} has no rows: nothing to paste")
        with open(project / "seeds" / f"{seed}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(seed_columns(seed))
            writer.writerows(rows[seed])


def check_config(project: Path) -> None:
    """The configuration validator on the pasted seeds (what a PostgreSQL run calls first)."""
    result = subprocess.run(
        [sys.executable, "-m", "pql_tools.check_config", "--project-dir", str(project)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError("the pasted suggestion is not a valid configuration:\n" + result.stdout)


def measure(
    db: Path,
    tiers: list[list[str]],
    evidence: dict[str, tuple[float | None, float | None]] | None = None,
) -> list[Measured]:
    """The goal numbers per suggested definition, pooled over the complete backtest weeks. An
    entity-week with no state yet (no tier) is in the bottom tier (score 0). The top tier is
    the highest band that holds any entity-week of the definition (an empty band has no rate:
    when no entity-week scores above the threshold, hot is empty and warm is the top)."""
    bands = sorted(((int(row[1]), row[0]) for row in tiers), reverse=True)
    order = [tier for _, tier in bands]
    bottom_tier = order[-1]
    measured = []
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            f"""
            select
                definition_id,
                entity,
                count(*) as entity_weeks,
                sum(case when converted_within_window then 1 else 0 end) as conversions,
                avg(case when is_qualified then 1.0 else 0.0 end) as flagged_share,
                sum(case when is_qualified and converted_within_window then 1 else 0 end)
                    * 1.0 / nullif(sum(case when converted_within_window then 1 else 0 end), 0)
                    as capture
            from {MARTS}.fct_backtest_panel
            where is_outcome_complete and definition_id like 'suggested%'
            group by definition_id, entity
            order by definition_id
            """
        ).fetchall()
        band_rates = {
            (definition_id, tier): rate
            for definition_id, tier, rate in con.execute(
                f"""
                select
                    definition_id,
                    coalesce(tier, ?) as band,
                    avg(case when converted_within_window then 1.0 else 0.0 end)
                from {MARTS}.fct_backtest_panel
                where is_outcome_complete and definition_id like 'suggested%'
                group by definition_id, band
                """,
                [bottom_tier],
            ).fetchall()
        }
    for definition_id, entity, weeks, conversions, flagged, capture in rows:
        top_tier = next((tier for tier in order if (definition_id, tier) in band_rates), order[0])
        measured.append(
            Measured(
                definition_id=definition_id,
                entity=entity,
                top_tier=top_tier,
                top_rate=band_rates.get((definition_id, top_tier)),
                bottom_tier=bottom_tier,
                bottom_rate=band_rates.get((definition_id, bottom_tier)),
                flagged_share=flagged,
                capture=capture,
                entity_weeks=weeks,
                conversions=conversions,
                panel_flagged_share=(evidence or {}).get(definition_id, (None, None))[0],
                panel_capture=(evidence or {}).get(definition_id, (None, None))[1],
            )
        )
    return measured


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def report(measured: list[Measured]) -> str:
    lines = []
    for m in measured:
        ratio = "n/a" if m.tier_ratio is None else f"{m.tier_ratio:.1f}x"
        lines.append(
            f"{m.definition_id} ({m.entity}, {m.entity_weeks} entity-weeks, "
            f"{m.conversions} conversions): {m.top_tier} converts {_pct(m.top_rate)} vs "
            f"{m.bottom_tier} {_pct(m.bottom_rate)} = {ratio} (goal >= {GOAL_TIER_RATIO:g}x); "
            f"{_pct(m.flagged_share)} qualified (goal <= {GOAL_MAX_FLAGGED:.0%}) capture "
            f"{_pct(m.capture)} of conversions (goal >= {GOAL_MIN_CAPTURE:.0%}): "
            + ("goals met" if m.goals_met else "goals NOT met")
            + (
                f" [evidence panel: {_pct(m.panel_flagged_share)} flagged, "
                f"capture {_pct(m.panel_capture)}]"
                if m.panel_flagged_share is not None
                else ""
            )
        )
    return "\n".join(lines)


def run(
    db: Path,
    work_dir: Path,
    dbt_vars: str | None = None,
    already_built: bool = False,
    log=print,
) -> tuple[dict[str, list[list[str]]], list[Measured]]:
    """The whole check on a raw (or, with already_built, built) warehouse file `db`."""
    project = copy_project(work_dir / "project")
    if not already_built:
        log("discovery_check: dbt build with the shipped configuration")
        run_dbt(project, db, ["build", "--exclude-resource-type", "unit_test"], dbt_vars)
    rows = suggested_rows(db)
    evidence = suggestion_evidence(db)
    paste(project, rows)
    check_config(project)
    for seed in CONFIG_SEEDS:
        log(f"discovery_check: pasted {len(rows[seed])} rows into seeds/{seed}.csv")
    log("discovery_check: dbt build of everything downstream of the configuration")
    run_dbt(
        project,
        db,
        [
            "build",
            "--select",
            *(f"{seed}+" for seed in CONFIG_SEEDS),
            "--exclude-resource-type",
            "unit_test",
            "--full-refresh",
        ],
        dbt_vars,
    )
    return rows, measure(db, rows["pql_tiers"], evidence)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="DuckDB warehouse file")
    parser.add_argument(
        "--generate", action="store_true", help="write a new demo warehouse to --db first"
    )
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--built",
        action="store_true",
        help="--db is already built with this code and the shipped configuration (make demo)",
    )
    parser.add_argument("--vars", default=None, help="dbt --vars for both builds (YAML/JSON)")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the project copy goes (default: beside --db)",
    )
    parser.add_argument("--require-goals", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)

    if args.generate:
        from pql_demo import generate

        for path in (args.db, Path(f"{args.db}.wal")):
            path.unlink(missing_ok=True)
        generate(args.db, accounts=args.accounts, days=args.days, seed=args.seed)
    work_dir = args.work_dir or args.db.parent / f"{args.db.stem}_discovery_check"
    try:
        rows, measured = run(args.db, work_dir, args.vars, already_built=args.built)
    except RuntimeError as error:
        print(f"discovery_check: {error}", file=sys.stderr)
        return 2
    for seed in CONFIG_SEEDS:
        print(f"--- seeds/{seed}.csv (pasted)")
        print(",".join(seed_columns(seed)))
        for row in rows[seed]:
            print(",".join(row))
    print(report(measured))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {**m.__dict__, "tier_ratio": m.tier_ratio, "goals_met": m.goals_met}
                    for m in measured
                ],
                indent=2,
            )
        )
    if not measured:
        print("discovery_check: no suggested definition in the backtest panel", file=sys.stderr)
        return 1
    return 1 if args.require_goals and not all(m.goals_met for m in measured) else 0


if __name__ == "__main__":
    sys.exit(main())
