"""The analyst report: one self-contained static HTML file (plotly.js inline, opens offline) with
the charts of pql_tools.report.charts, read from the marts of a built warehouse, and the data
health summary `make demo` prints. `make report` writes it.

    python -m pql_tools.report --db pql.duckdb --out target/pql_report.html
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import html
import sys
from pathlib import Path

import duckdb
import plotly.io as pio
from plotly.offline import get_plotlyjs

from pql_tools.report.charts import CHARTS, Chart
from pql_tools.summary import summarize

SCHEMAS = {"marts": "main_marts", "intermediate": "main_intermediate", "config": "main_config"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
# summarize() prints data health first (raw rows, rejections), then identity and PQL state.
HEALTH_SUMMARY_END = "\n\nusers by account match method:"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 16px;
       color: #222; background: #f6f7f9; }
h1 { margin: 4px 0; } .meta { color: #666; margin: 0 0 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid #dde; border-radius: 6px; padding: 10px 14px; }
.card.wide { grid-column: 1 / -1; }
.card h2 { font-size: 1.05em; margin: 2px 0; } .note { color: #555; margin: 2px 0 6px; }
.no-rows { padding: 40px; text-align: center; color: #888; border: 1px dashed #ccc; }
pre { font-size: 12px; overflow-x: auto; margin: 4px 0; }
.warn { color: #b00; }
"""


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql.format(**SCHEMAS))
    names = [d[0] for d in cursor.description]
    number = lambda v: float(v) if isinstance(v, decimal.Decimal) else v  # noqa: E731
    return [dict(zip(names, map(number, row), strict=True)) for row in cursor.fetchall()]


def chart_html(con: duckdb.DuckDBPyConnection, chart: Chart) -> str:
    rows = fetch_rows(con, chart.sql)
    if rows:
        body = pio.to_html(
            chart.figure(rows),
            include_plotlyjs=False,
            full_html=False,
            div_id=f"chart-{chart.key}",
            config=PLOTLY_CONFIG,
        )
    else:
        body = f'<div class="no-rows" id="chart-{chart.key}">No rows to chart yet.</div>'
    return (
        f'<section class="card{" wide" if chart.wide else ""}" data-chart="{chart.key}">'
        f"<h2>{html.escape(chart.title)}</h2>"
        f'<p class="note">{html.escape(chart.note)}</p>{body}</section>'
    )


def health_html(con: duckdb.DuckDBPyConnection) -> str:
    """The data-health part of `make demo`'s summary, and the config-health warnings."""
    summary = summarize(con).split(HEALTH_SUMMARY_END)[0]
    warnings = fetch_rows(
        con,
        "select message from {marts}.rpt_config_health where status = 'warn' order by message",
    )
    if warnings:
        items = "".join(f"<li>{html.escape(w['message'])}</li>" for w in warnings)
        config = f'<p class="warn">{len(warnings)} config-health warnings:</p><ul>{items}</ul>'
    else:
        config = "<p>No config-health warnings: every configured name occurs in the data.</p>"
    return (
        '<section class="card wide" id="data-health"><h2>Data health</h2>'
        f'<pre id="health-summary">{html.escape(summary)}</pre>{config}</section>'
    )


def build_report(db: Path) -> str:
    """The report of the warehouse in `db` as one HTML document."""
    with duckdb.connect(str(db), read_only=True) as con:
        sections = [health_html(con)] + [chart_html(con, chart) for chart in CHARTS]
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>pql report</title>"
        f"<style>{STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
        "<h1>pql: are the PQL definitions any good?</h1>"
        f'<p class="meta">Warehouse {html.escape(db.name)}, written {generated}. '
        "How to read each chart: docs/reports.md and docs/report.md.</p>"
        f'<div class="grid">{"".join(sections)}</div></body></html>'
    )


def write_report(db: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_report(db), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="DuckDB file dbt built")
    parser.add_argument("--out", type=Path, default=Path("target/pql_report.html"))
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"--db {args.db}: no such file (build the warehouse first, e.g. make demo)")
    out = write_report(args.db, args.out)
    print(f"report: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
