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
    clean = one("select count(*) from main_intermediate.int_events_resolved")
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
    lines += records_rejected_summary(con)

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
    lines += pql_summary(con)
    return "\n".join(lines)


def records_rejected_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """CRM and billing rows kept out of the facts, per raw table and reason
    (int_records_rejected), with the table's raw row count."""
    rejected = con.execute(
        "select raw_table, rejection_reason, rejected_column, count(*) "
        "from main_intermediate.int_records_rejected group by all order by 1, 4 desc, 2, 3"
    ).fetchall()
    total = sum(n for *_, n in rejected)
    lines = ["", f"CRM and billing rows rejected (kept out of the facts): {total:,}"]
    for raw_table, reason, column, count in rejected:
        lines.append(f"  {raw_table:<18} {reason:<24} {column:<14} {count:>8,}")
    return lines


def pql_summary(con: duckdb.DuckDBPyConnection, top: int = 5) -> list[str]:
    """Counts per definition, status and tier, then the top PQAs and PQLs with their reasons."""
    lines = [
        "",
        "current PQL / PQA state (definition: qualified / total, by tier of the qualified):",
    ]
    for mart in ("dim_pqa_accounts", "dim_pqa_expansion_accounts", "dim_pql_leads"):
        for definition_id, qualified, total in con.execute(
            f"select definition_id, count_if(is_qualified), count(*) from main_marts.{mart} "
            "group by definition_id order by definition_id"
        ).fetchall():
            qualified_tiers = con.execute(
                f"select tier, count(*) from main_marts.{mart} where definition_id = ? "
                "and is_qualified group by tier order by min(score) desc",
                [definition_id],
            ).fetchall()
            by_tier = ", ".join(f"{tier} {n:,}" for tier, n in qualified_tiers) or "none"
            lines.append(f"  {definition_id:<22} {qualified:>6,} / {total:>7,}   ({by_tier})")

    for title, mart, name_column in (
        ("top PQAs", "dim_pqa_accounts", "coalesce(account_name, account_id)"),
        ("top expansion PQAs", "dim_pqa_expansion_accounts", "coalesce(account_name, account_id)"),
        ("top PQLs", "dim_pql_leads", "coalesce(email, user_id)"),
    ):
        lines += ["", f"{title}:"]
        for name, definition_id, score, tier, qualified_at, reasons in con.execute(
            f"""
            select {name_column}, definition_id, score, tier, qualified_at, reasons
            from main_marts.{mart}
            where is_qualified
            order by score desc, fit_score desc, qualified_at, {name_column}
            limit {int(top)}
            """
        ).fetchall():
            lines.append(
                f"  {name} [{definition_id}, {tier}, score {float(score):g}, since {qualified_at}]"
            )
            lines.append(f"      {reasons}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="DuckDB file dbt built")
    args = parser.parse_args(argv)
    with duckdb.connect(args.db) as con:
        print(summarize(con))
    return 0


if __name__ == "__main__":
    sys.exit(main())
