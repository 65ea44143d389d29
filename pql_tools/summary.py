"""Print a short summary of a built pql warehouse: what came in, what was kept or rejected and
why, and how identity and accounts resolved. `make demo` ends with it.

    python -m pql_tools.summary --db pql.duckdb
"""

from __future__ import annotations

import argparse
import sys

import duckdb

RAW_TABLES = (
    "tracks",
    "pages",
    "identifies",
    "groups",
    "subscriptions",
    "crm_accounts",
    "crm_contacts",
    "crm_opportunities",
    "crm_activities",
)


def summarize(con: duckdb.DuckDBPyConnection) -> str:
    def one(sql: str):
        return con.execute(sql).fetchall()[0][0]

    lines = ["pql demo warehouse", "", "raw rows in:"]
    for table in RAW_TABLES:
        lines.append(f"  {table:<20} {one(f'select count(*) from raw.{table}'):>12,}")

    raw_events = one("select (select count(*) from raw.tracks) + (select count(*) from raw.pages)")
    clean = one("select count(*) from main_intermediate.int_events_deduplicated")
    rejected = con.execute(
        "select rejection_reason, count(*) from main_intermediate.int_events_rejected "
        "group by 1 order by 2 desc"
    ).fetchall()
    lines += [
        "",
        f"events: {raw_events:,} raw rows = {clean:,} clean + "
        f"{sum(n for _, n in rejected):,} rejected",
    ]
    lines += [f"  rejected {reason:<24} {count:>10,}" for reason, count in rejected]

    lines += ["", "users by account match method:"]
    for method, count in con.execute(
        "select account_match_method, count(*) from main_marts.dim_users group by 1 order by 2 desc"
    ).fetchall():
        lines.append(f"  {method:<24} {count:>10,}")
    personal, internal, several = con.execute(
        "select count_if(is_personal_email), count_if(is_internal), "
        "count_if(linked_account_count > 1) from main_marts.dim_users"
    ).fetchall()[0]
    lines.append(
        f"  personal email {personal:,}, internal {internal:,}, in several accounts {several:,}"
    )

    lines += ["", "accounts by CRM match method:"]
    for method, count in con.execute(
        "select crm_match_method, count(*) from main_marts.dim_accounts group by 1 order by 2 desc"
    ).fetchall():
        lines.append(f"  {method:<24} {count:>10,}")
    lines.append(
        f"  paying now {one('select count(*) from main_marts.dim_accounts where is_paying'):,}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="DuckDB file dbt built")
    args = parser.parse_args(argv)
    with duckdb.connect(args.db) as con:
        print(summarize(con))
    return 0


if __name__ == "__main__":
    sys.exit(main())
