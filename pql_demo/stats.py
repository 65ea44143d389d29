"""Measured conversion by intent level: raw tables, joined to the ground truth.

An account (workspace) counts as converted when the raw data shows a subscription version on a
paid plan with status `active`, or a won, not deleted CRM opportunity on a CRM account linked to
the workspace (by `groups.traits.crm_account_id`, else by normalised domain).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MEASURED_CONVERSION_SQL = r"""
with group_traits as (
    select
        group_id,
        case when json_valid(traits) then json_extract_string(traits, '$.crm_account_id') end
            as crm_account_id,
        case when json_valid(traits) then lower(json_extract_string(traits, '$.domain')) end
            as domain
    from raw.groups
),

explicit_links as (
    select distinct group_id, crm_account_id
    from group_traits
    where crm_account_id is not null
),

crm as (
    select
        id as crm_account_id,
        regexp_replace(
            regexp_replace(lower(trim(domain)), '^(https?://)?(www\.)?', ''), '/+$', ''
        ) as domain
    from raw.crm_accounts
    where not coalesce(try_cast(is_deleted as boolean), false)
),

domain_links as (
    select distinct group_traits.group_id, crm.crm_account_id
    from group_traits
    inner join crm on group_traits.domain = crm.domain
    where group_traits.group_id not in (select group_id from explicit_links)
),

links as (
    select * from explicit_links
    union
    select * from domain_links
),

won as (
    select links.group_id, min(opp.closed_at) as won_at
    from raw.crm_opportunities as opp
    inner join links on opp.account_id = links.crm_account_id
    where opp.is_won and not coalesce(try_cast(opp.is_deleted as boolean), false)
    group by links.group_id
),

paid as (
    select group_id, min(updated_at) as paid_at
    from raw.subscriptions
    where plan in ('starter', 'pro', 'business') and status = 'active'
    group by group_id
),

final as (
    select
        truth.group_id,
        truth.intent_level,
        truth.converted as truth_converted,
        truth.converted_at as truth_converted_at,
        case
            when paid.paid_at is null then won.won_at
            when won.won_at is null then paid.paid_at
            else least(paid.paid_at, won.won_at)
        end as measured_converted_at
    from pql_demo_truth.accounts as truth
    left join paid on truth.group_id = paid.group_id
    left join won on truth.group_id = won.group_id
)

select * from final
"""

_LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}


def measured_conversions(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(group_id, intent_level, truth_converted, truth_converted_at, measured_converted_at)."""
    return con.execute(MEASURED_CONVERSION_SQL).fetchall()


def conversion_stats(db_path: str | Path) -> list[dict]:
    """One dict per intent level (plus 'all'): accounts, converted, rate, truth_rate, agreement."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = measured_conversions(con)
    finally:
        con.close()
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[1], []).append(row)
        groups.setdefault("all", []).append(row)
    out = []
    for level in sorted(groups, key=lambda x: _LEVEL_ORDER.get(x, 9)):
        rs = groups[level]
        measured = sum(r[4] is not None for r in rs)
        truth = sum(bool(r[2]) for r in rs)
        agree = sum((r[4] is not None) == bool(r[2]) for r in rs)
        out.append(
            {
                "intent_level": level,
                "accounts": len(rs),
                "converted": measured,
                "conversion_rate": measured / len(rs),
                "truth_conversion_rate": truth / len(rs),
                "agreement": agree / len(rs),
            }
        )
    return out


def format_stats(stats: list[dict]) -> str:
    head = (
        f"{'intent_level':<13}{'accounts':>9}{'converted':>10}{'rate':>8}{'truth':>8}{'agree':>8}"
    )
    lines = [head, "-" * len(head)]
    for s in stats:
        lines.append(
            f"{s['intent_level']:<13}{s['accounts']:>9}{s['converted']:>10}"
            f"{s['conversion_rate']:>8.1%}{s['truth_conversion_rate']:>8.1%}{s['agreement']:>8.1%}"
        )
    return "\n".join(lines)
