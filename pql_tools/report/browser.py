"""Open a written report in headless Chromium (the Debian package scripts/browser.sh installs,
driven by playwright; playwright downloads no browser): what the page logged, what it tried to
fetch, what each chart drew, and a screenshot. The report test and `make screenshot` use it.

    python -m pql_tools.report.browser target/pql_report.html --screenshot docs/img/report.png
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Debian's /usr/bin/chromium is a shell wrapper; the browser itself is in /usr/lib/chromium.
DEBIAN_CHROMIUM = Path("/usr/lib/chromium/chromium")

# Per chart section: is it a "no rows" panel, how many traces plotly holds, how many data
# points they carry, and how many non-empty SVG paths it drew inside its traces.
CHART_STATS_JS = """
() => Array.from(document.querySelectorAll('section[data-chart]')).map((section) => {
    const gd = section.querySelector('.js-plotly-plot');
    const values = (t) => [t.x, t.y, t.q1].find((v) => v && v.length) || [];
    return {
        key: section.dataset.chart,
        no_rows: section.querySelector('.no-rows') !== null,
        traces: gd ? gd.data.length : 0,
        points: gd ? gd.data.reduce(
            (n, t) => n + values(t).filter((v) => v !== null).length, 0) : 0,
        marks: gd ? Array.from(gd.querySelectorAll('g.trace path'))
            .filter((p) => (p.getAttribute('d') || '').length > 2).length : 0,
    };
})
"""
ALL_PLOTS_DRAWN_JS = (
    "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
    ".every((gd) => gd._fullLayout && gd.querySelector('.main-svg'))"
)


@dataclass
class PageCheck:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)


def chromium_path() -> str:
    """$PQL_CHROMIUM, else Debian's chromium; fails naming scripts/browser.sh when absent."""
    candidates = [os.environ.get("PQL_CHROMIUM"), str(DEBIAN_CHROMIUM), shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise FileNotFoundError("no chromium binary: run scripts/browser.sh (apt-get install chromium)")


def check_page(
    report: Path, screenshot: Path | None = None, clip_height: int | None = None
) -> PageCheck:
    """Load `report` in headless Chromium with the network cut off and collect a PageCheck;
    optionally save a screenshot (the top `clip_height` pixels, else the full page)."""
    from playwright.sync_api import sync_playwright

    check = PageCheck()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on(
                "console",
                lambda m: check.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: check.page_errors.append(str(e)))

            def offline(route):
                if route.request.url.startswith(("file:", "data:", "blob:")):
                    return route.continue_()
                check.remote_requests.append(route.request.url)
                return route.abort()

            page.route("**/*", offline)
            page.goto(report.resolve().as_uri(), wait_until="load")
            page.wait_for_function(ALL_PLOTS_DRAWN_JS, timeout=30_000)
            check.charts = page.evaluate(CHART_STATS_JS)
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                if clip_height:
                    clip = {"x": 0, "y": 0, "width": 1400, "height": clip_height}
                    page.screenshot(path=str(screenshot), clip=clip, full_page=True)
                else:
                    page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--clip-height", type=int, default=None, help="top pixels to keep")
    args = parser.parse_args(argv)
    check = check_page(args.report, args.screenshot, args.clip_height)
    problems = check.console_errors + check.page_errors + check.remote_requests
    problems += [f"chart {c['key']} drew nothing" for c in check.charts if not c["marks"]]
    for chart in check.charts:
        print(f"  {chart['key']:<20} traces {chart['traces']:>3}  marks {chart['marks']:>5}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
