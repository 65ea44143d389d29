"""The analyst report, opened in a real headless Chromium (Debian's, installed by
scripts/browser.sh): no console or page error, no request leaving the file, every chart drawn
with data, a screenshot; and on empty marts a "no rows" panel per chart instead of a crash."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from pql_tools.report import SCHEMAS, fetch_rows, write_report
from pql_tools.report.browser import check_page, chromium_path
from pql_tools.report.charts import CHARTS
from pql_tools.summary import summarize
from tests.support import run_dbt

try:
    chromium_path()
except FileNotFoundError as missing:  # CI runs scripts/browser.sh first; say what is missing
    pytest.fail(str(missing), pytrace=False)

CHART_KEYS = [chart.key for chart in CHARTS]
# The small warehouse spans 60 days, less than the default 90-day conversion window that signal
# lift and PQL vs MQL wait for; on a copy, those reports (with the lift population and behaviour
# counts signal lift reads, and the lead outcomes PQL vs MQL adds up) are rebuilt with a shorter
# window.
SHORT_WINDOW = [
    "--select",
    "fct_lift_population fct_lift_behaviour_counts rpt_signal_lift",
    "fct_lead_outcomes rpt_pql_vs_mql",
    "--vars",
    "{pql_conversion_window_days: 21}",
]


@pytest.fixture(scope="module")
def report_db(built, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("report")
    db = work_dir / "pql.duckdb"
    shutil.copy(built.db, db)
    run_dbt(["run", *SHORT_WINDOW], db, work_dir)
    return db


def test_every_chart_renders_in_chromium(report_db, tmp_path):
    report = write_report(report_db, tmp_path / "pql_report.html")
    text = report.read_text(encoding="utf-8")
    assert "<script src=" not in text, "plotly.js must be inline, not loaded from a CDN"

    screenshot = tmp_path / "report.png"
    check = check_page(report, screenshot=screenshot)

    assert check.console_errors == []
    assert check.page_errors == []
    assert check.remote_requests == [], "the report must open offline"
    assert [c["key"] for c in check.charts] == CHART_KEYS
    empty = [c for c in check.charts if c["no_rows"] or not (c["points"] and c["marks"])]
    assert empty == [], f"charts without data on the small warehouse: {empty}"
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000


def test_data_health_matches_the_demo_summary(report_db, tmp_path):
    """The report's health block is the data-health part of `make demo`'s summary, and the
    rejected-rows chart adds up to the rejections that summary counts."""
    text = write_report(report_db, tmp_path / "r.html").read_text(encoding="utf-8")
    with duckdb.connect(str(report_db), read_only=True) as con:
        summary = summarize(con)
        chart = next(c for c in CHARTS if c.key == "rejected_rows")
        charted = sum(row["row_count"] for row in fetch_rows(con, chart.sql))
    health = re.search(r'<pre id="health-summary">(.*?)</pre>', text, re.S).group(1)
    events_line = next(line for line in summary.splitlines() if line.startswith("events:"))
    assert events_line in health
    assert "CRM and billing rows rejected" in health
    assert "users by account match method" not in health

    events_rejected = int(re.search(r"\+ ([\d,]+) rejected", events_line).group(1).replace(",", ""))
    records_line = next(line for line in summary.splitlines() if line.startswith("CRM and billing"))
    records_rejected = int(records_line.rsplit(" ", 1)[1].replace(",", ""))
    assert charted == events_rejected + records_rejected
    assert charted > 0, "the small demo warehouse has rejected rows to chart"


def test_empty_marts_give_no_rows_panels(report_db, tmp_path):
    """Every relation a chart reads emptied (kept under its name, same columns): the report
    still writes and renders, each chart a "no rows" panel."""
    db = tmp_path / "empty.duckdb"
    shutil.copy(report_db, db)
    relations = {
        (SCHEMAS[schema], name)
        for chart in CHARTS
        for schema, name in re.findall(r"\{(\w+)\}\.(\w+)", chart.sql)
    }
    with duckdb.connect(str(db)) as con:
        for schema, name in sorted(relations):
            kind = con.execute(
                "select table_type from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()[0]
            kind = "view" if kind == "VIEW" else "table"
            con.execute(f"alter {kind} {schema}.{name} rename to {name}__full")
            con.execute(
                f"create {kind} {schema}.{name} as select * from {schema}.{name}__full where false"
            )

    report = write_report(db, tmp_path / "empty.html")
    check = check_page(report)

    assert check.console_errors == [] and check.page_errors == []
    assert [c["key"] for c in check.charts if not c["no_rows"]] == []
    assert len(check.charts) == len(CHARTS)
