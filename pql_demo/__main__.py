"""Command line.

python -m pql_demo [generate] --db demo.duckdb [--accounts 2000] [--days 180] [--seed 42]
                   [--end-date 2026-06-30] [--empty TABLE ...] [--raw-shape text|typed] [--quiet]
                   [--billing-shape change_log|current_state]
python -m pql_demo stats --db demo.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from pql_demo import config as c
from pql_demo.contract import RAW_SHAPES, RAW_TABLES


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from exc
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {text}")
        return value

    return parse


def _generate_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pql_demo",
        description="Write the pql demo warehouse (schema raw + ground truth in pql_demo_truth) "
        "to a DuckDB file. Use 'python -m pql_demo stats --db FILE' for measured conversion.",
    )
    p.add_argument("--db", required=True, help="DuckDB file to write (tables are replaced)")
    p.add_argument("--accounts", type=_at_least(1), default=c.DEFAULT_ACCOUNTS, help="workspaces")
    p.add_argument("--days", type=_at_least(1), default=c.DEFAULT_DAYS, help="length of the window")
    p.add_argument("--seed", type=_at_least(0), default=c.DEFAULT_SEED)
    p.add_argument(
        "--end-date", type=_date, default=c.DEFAULT_END_DATE, help="last day of the window (UTC)"
    )
    p.add_argument(
        "--empty",
        nargs="+",
        default=[],
        choices=RAW_TABLES,
        metavar="TABLE",
        help="raw tables to create with zero rows (bad-input case 'empty table')",
    )
    p.add_argument(
        "--billing-shape",
        choices=c.BILLING_SHAPES,
        default="change_log",
        help="raw.subscriptions as a change log (one row per version) or as current state "
        "(one row per subscription, updated in place)",
    )
    p.add_argument(
        "--raw-shape",
        choices=RAW_SHAPES,
        default="text",
        help="text: client timestamps as ISO-8601 text (default); typed: the typed Segment shape "
        "(TIMESTAMPTZ times, original_timestamp, sent_at, uuid_ts, event_text, context_* columns)",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def _stats_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pql_demo stats",
        description="Conversion rate by intent level, measured from the raw tables "
        "(paid active subscription or won opportunity) and joined to the ground truth.",
    )
    p.add_argument("--db", required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "stats":
        from pql_demo.stats import conversion_stats, format_stats

        args = _stats_parser().parse_args(argv[1:])
        print(format_stats(conversion_stats(args.db)))
        return 0
    if argv and argv[0] == "generate":
        argv = argv[1:]
    args = _generate_parser().parse_args(argv)
    from pql_demo.generator import generate

    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    started = time.perf_counter()
    counts = generate(
        args.db,
        accounts=args.accounts,
        days=args.days,
        seed=args.seed,
        end_date=args.end_date,
        empty=args.empty,
        log=log,
        billing_shape=args.billing_shape,
        raw_shape=args.raw_shape,
    )
    elapsed = time.perf_counter() - started
    if not args.quiet:
        width = max(len(t) for t in counts)
        for table, n in counts.items():
            print(f"raw.{table:<{width}} {n:>10,}")
        events = counts["tracks"] + counts["pages"]
        print(f"{elapsed:.1f}s, {events / elapsed:,.0f} tracks+pages rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
