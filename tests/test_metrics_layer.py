"""The metric layer (MetricFlow, docs/metrics.md): `mf query` on a small built warehouse returns
the report marts' numbers. The session build is copied and the two models whose rates need a
complete conversion window are rebuilt with a 14-day window (the small warehouse has 60 days,
the default window is 90), so the compared rates are real numbers, not nulls."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, query, run_dbt

MF = str(Path(sys.executable).parent / "mf")
WINDOW_DAYS = 14


@pytest.fixture(scope="module")
def metric_build(built, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("metrics")
    db = work_dir / "pql.duckdb"
    shutil.copyfile(built.db, db)
    run_dbt(
        [
            "build",
            "--select",
            "fct_lead_outcomes",
            "rpt_pql_vs_mql",
            "--vars",
            f"{{pql_conversion_window_days: {WINDOW_DAYS}}}",
        ],
        db,
        work_dir,
    )
    # mf reads <project dir>/target/semantic_manifest.json: a project dir that is the repo's
    # dbt_project.yml next to this build's target directory.
    project = work_dir / "project"
    project.mkdir()
    (project / "dbt_project.yml").symlink_to(REPO_ROOT / "dbt_project.yml")
    (project / "target").symlink_to(work_dir / "target")
    return db, work_dir, project


def mf_query(metric_build, metrics: list[str], group_by: list[str]) -> list[dict]:
    db, work_dir, project = metric_build
    out = work_dir / f"{'_'.join(metrics)}.csv"
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO_ROOT),
        DBT_PROJECT_DIR=str(project),
        PQL_DUCKDB_PATH=str(db),
        PQL_DUCKDB_TEMP=str(work_dir / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [MF, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by)]
    result = subprocess.run(
        [*command, "--csv", str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and out.exists(), (
        f"{' '.join(command)} failed:\n{(result.stdout + result.stderr)[-4000:]}"
    )
    with out.open() as f:
        return list(csv.DictReader(f))


def number(value) -> Decimal | None:
    return None if value in (None, "") else round(Decimal(str(value)), 6)


def test_pql_to_won_and_opportunity_rates_equal_rpt_pql_vs_mql(metric_build):
    db = metric_build[0]
    rows = mf_query(
        metric_build,
        ["pql_to_won_rate", "pql_to_opportunity_rate", "pql_vs_mql_conversion_ratio"],
        ["lead__lead_entity", "lead__definition_id"],
    )
    got = {
        (r["lead__lead_entity"], r["lead__definition_id"]): (
            number(r["pql_to_won_rate"]),
            number(r["pql_to_opportunity_rate"]),
            number(r["pql_vs_mql_conversion_ratio"]),
        )
        for r in rows
    }
    expected = {
        (entity, definition): (number(won), number(opportunity), number(vs_mql))
        for entity, definition, won, opportunity, vs_mql in query(
            db,
            "select entity, definition_id, won_rate, opportunity_rate, conversion_rate_vs_mql"
            " from main_marts.rpt_pql_vs_mql where lead_group = 'pql' and measured_count > 0",
        )
    }
    assert expected, "no measured PQLs: the comparison would prove nothing"
    assert any(won for won, _, _ in expected.values()), "every PQL-to-won rate is 0"
    assert {key: got.get(key) for key in expected} == expected


def by_lead_group(metric_build, rate: str, count: str, report_columns: str) -> tuple[dict, dict]:
    """A rate and a count metric by entity, definition and lead group from `mf query`, and the
    same two numbers (report_columns: the count, the rate) from rpt_pql_vs_mql."""
    rows = mf_query(
        metric_build,
        [rate, count],
        ["lead__lead_entity", "lead__definition_id", "lead_outcome__lead_group"],
    )
    got = {
        (r["lead__lead_entity"], r["lead__definition_id"], r["lead_outcome__lead_group"]): (
            int(r[count]),
            number(r[rate]),
        )
        for r in rows
    }
    expected = {
        (entity, definition, group): (measured, number(value))
        for entity, definition, group, measured, value in query(
            metric_build[0],
            f"select entity, definition_id, lead_group, {report_columns}"
            " from main_marts.rpt_pql_vs_mql where entity_count > 0",
        )
    }
    return got, expected


def test_conversion_by_lead_group_equals_rpt_pql_vs_mql(metric_build):
    got, expected = by_lead_group(
        metric_build, "lead_conversion_rate", "measured_leads", "measured_count, conversion_rate"
    )
    assert {"pql", "mql", "neither"} <= {group for _, _, group in expected}
    assert got == expected


def test_whole_period_comparison_equals_rpt_pql_vs_mql(metric_build):
    got, expected = by_lead_group(
        metric_build,
        "whole_period_conversion_rate",
        "group_leads",
        "entity_count, whole_period_conversion_rate",
    )
    assert any(rate for _, rate in expected.values()), "no lead converted in the whole period"
    assert got == expected


def test_pqls_pqas_and_speed_to_lead_equal_the_marts(metric_build):
    db = metric_build[0]
    rows = mf_query(
        metric_build,
        ["qualifications", "speed_to_lead_within_sla_share", "pqls", "pqas"],
        [
            "qualification__qualified_entity",
            "qualification__definition_id",
            "qualification__motion",
            "metric_time__week",
        ],
    )
    got = {
        (
            r["qualification__qualified_entity"],
            r["qualification__definition_id"],
            r["qualification__motion"],
            r["metric_time__week"][:10],
        ): (int(r["qualifications"]), number(r["speed_to_lead_within_sla_share"]))
        for r in rows
    }
    expected = {
        (entity, definition, motion, str(week)): (count, number(share))
        for entity, definition, motion, week, count, share in query(
            db,
            "select entity, definition_id, motion, qualified_week, qualified_count,"
            " within_sla_share from main_marts.rpt_speed_to_lead",
        )
    }
    assert any(share for _, share in expected.values()), "nobody contacted within the SLA"
    assert got == expected
    pqls = {r["qualification__definition_id"] for r in rows if r["pqls"]}
    pqas = {r["qualification__definition_id"] for r in rows if r["pqas"]}
    assert pqls and pqas and not pqls & pqas, "PQLs come from user, PQAs from account definitions"
