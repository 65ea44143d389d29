"""`generate()`: build the world, simulate, dirty, and write raw + truth tables to DuckDB."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from pql_demo import __version__
from pql_demo import config as c
from pql_demo.business import build_business
from pql_demo.contract import RAW_SCHEMA, RAW_TABLES, TRUTH_SCHEMA, raw_contract
from pql_demo.dirty import Tally, business_dirt, event_dirt
from pql_demo.entities import build_world
from pql_demo.events import chunk_behaviours, chunk_events, weekday_of
from pql_demo.identity import groups_table, identifies_table
from pql_demo.warehouse import FRAME, create_schemas, insert, select_sql, strings, times_ms

# Independent random streams: default_rng([seed, STREAM, chunk]).
_WORLD, _BUSINESS, _IDENTIFY, _GROUPS, _EVENTS, _REACTIVATION, _BUSINESS_DIRT = range(7)
_BEHAVIOURS = 7  # volume and noise tracks (added later: a stream of their own)


def _rng(seed: int, stream: int, part: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, part])


def generate(
    db_path: str | Path,
    accounts: int = c.DEFAULT_ACCOUNTS,
    days: int = c.DEFAULT_DAYS,
    seed: int = c.DEFAULT_SEED,
    end_date: dt.date = c.DEFAULT_END_DATE,
    empty: Iterable[str] = (),
    log: Callable[[str], None] | None = None,
    billing_shape: str = "change_log",
    raw_shape: str = "text",
) -> dict[str, int]:
    """Write the demo warehouse to `db_path` and return the row count of every raw table.

    Tables of schema `raw` and `pql_demo_truth` are replaced. Tables named in `empty` are
    created with the contract columns but no rows. Same arguments, same table contents.
    `raw_shape` "text" writes client timestamps as text; "typed" writes the typed Segment shape
    (docs/demo_data.md). `billing_shape` writes raw.subscriptions as a change_log (one row per
    version) or as current_state (one row per subscription, its latest version); the business
    history and the ground truth (pql_demo_truth.paid_periods) are the same either way.
    """
    contract = raw_contract(raw_shape)
    empty = set(empty)
    unknown = empty - set(RAW_TABLES)
    if unknown:
        raise ValueError(
            f"unknown raw table(s) for empty: {sorted(unknown)}; known: {list(RAW_TABLES)}"
        )
    if accounts < 1 or days < 1:
        raise ValueError("accounts and days must be at least 1")
    if seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if billing_shape not in c.BILLING_SHAPES:
        raise ValueError(
            f"billing_shape must be one of {list(c.BILLING_SHAPES)}, got {billing_shape!r}"
        )
    say = log or (lambda _msg: None)
    started = time.perf_counter()

    w = build_world(_rng(seed, _WORLD), accounts, days, end_date)
    b = build_business(
        _rng(seed, _BUSINESS), w, billing_shape, reactivation_rng=_rng(seed, _REACTIVATION)
    )
    elapsed = time.perf_counter() - started
    say(f"world: {accounts} workspaces, {len(w.user_ids)} users ({elapsed:.1f}s)")
    user_ids = pa.array(w.user_ids, type=pa.string())
    anon_ids = pa.array(w.anon_ids, type=pa.string())
    group_ids = pa.array(w.group_ids, type=pa.string())
    invitees = pa.array(w.inv_email, type=pa.string())
    salt = str(seed)
    tally = Tally()

    con = duckdb.connect(str(db_path))
    try:
        create_schemas(con, raw_shape)

        def write(table: str, arrow: pa.Table) -> None:
            if table not in empty and arrow.num_rows:
                insert(con, RAW_SCHEMA, table, arrow, select_sql(table, salt, raw_shape))

        # ---- tracks and pages, chunk by chunk of workspaces ----
        wd0 = weekday_of(w.t0_ms)
        keys = {"tracks": 0, "pages": 0}
        for ci, a0 in enumerate(range(0, accounts, c.ACCOUNTS_PER_CHUNK)):
            if {"tracks", "pages"} <= empty:
                break
            a1 = min(accounts, a0 + c.ACCOUNTS_PER_CHUNK)
            rng = _rng(seed, _EVENTS, ci)
            frames = dict(zip(("tracks", "pages"), chunk_events(rng, w, a0, a1, wd0), strict=True))
            brng = _rng(seed, _BEHAVIOURS, ci)
            parts = (
                ("tracks", frames["tracks"], rng),
                ("pages", frames["pages"], rng),
                ("tracks", chunk_behaviours(brng, w, a0, a1), brng),
            )
            for table, frame, dirt_rng in parts:
                n = len(frame["t"])
                f = event_dirt(dirt_rng, frame, w, table, tally, keys[table])
                keys[table] += n
                cols = {
                    "key": f["key"],
                    "user_id": strings(user_ids, f["user"]),
                    "anonymous_id": strings(anon_ids, f["anon"]),
                    "group_id": strings(group_ids, f["acc"]),
                }
                skip = {"user", "anon", "acc", "inv", "key"}
                cols |= {k: v for k, v in f.items() if k not in skip}
                if table == "tracks":
                    cols["invitee_email"] = strings(invitees, f["inv"])
                write(table, pa.table(cols))
            say(f"workspaces {a0}-{a1 - 1}: events written ({time.perf_counter() - started:.1f}s)")

        # ---- identity, billing, CRM ----
        write("identifies", identifies_table(_rng(seed, _IDENTIFY), w, tally, anon_ids, user_ids))
        write(
            "groups", groups_table(_rng(seed, _GROUPS), w, b, tally, anon_ids, user_ids, group_ids)
        )
        time_cols = {
            "started_at", "trial_ends_at", "canceled_at", "updated_at", "created_at", "mql_at",
            "closed_at", "occurred_at",
        }  # fmt: skip
        text_columns = {
            (t, col) for t, cols in contract.items() for col, dtype in cols if dtype == "VARCHAR"
        }
        far_future_ms = dt.datetime.fromisoformat(c.FAR_FUTURE_DAY + "T00:00:00+00:00").timestamp()
        far_future = (far_future_ms * 1000 - w.t0_ms) / 86_400_000
        business_dirt(_rng(seed, _BUSINESS_DIRT), b, text_columns, far_future, tally)
        for table in (
            "subscriptions",
            "crm_accounts",
            "crm_contacts",
            "crm_opportunities",
            "crm_activities",
        ):
            data = getattr(b, table)
            cols = {}
            for col, dtype in contract[table]:
                if col in time_cols:
                    cols[col] = times_ms(w.t0_ms, data[col])
                elif dtype == "VARCHAR":
                    cols[col] = pa.array([_as_text(v) for v in data[col]], type=pa.string())
                else:
                    pa_type = {
                        "DOUBLE": pa.float64(),
                        "DECIMAL(12,2)": pa.float64(),
                        "INTEGER": pa.int32(),
                        "BIGINT": pa.int64(),
                        "BOOLEAN": pa.bool_(),
                    }
                    cols[col] = pa.array(data[col], type=pa_type.get(dtype, pa.string()))
            write(table, pa.table(cols))
        _entity_tally(w, b, tally)
        _write_truth(con, w, b, tally, seed, accounts, days, end_date, billing_shape)
        counts = {
            t: con.execute(f"select count(*) from {RAW_SCHEMA}.{t}").fetchone()[0]
            for t in RAW_TABLES
        }
        con.execute("checkpoint")
    finally:
        con.close()
    say(f"done in {time.perf_counter() - started:.1f}s")
    return counts


def _as_text(value) -> str | None:
    """A value as a text export writes it: true/false, 12, 49.5; text and null as they are."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _entity_tally(w, b, tally: Tally) -> None:
    ext = ~w.user_internal
    n_ext = int(ext.sum())
    multi = np.bincount(w.m_user, minlength=len(w.user_ids)) > 1
    tally.add("users", "multi_workspace_user", (multi & ext).sum(), n_ext)
    tally.add("users", "personal_email", (w.user_personal & ext).sum(), n_ext)
    tally.add("users", "internal_user", w.user_internal.sum(), len(w.user_ids))
    for table in ("crm_accounts", "crm_contacts", "crm_opportunities"):
        deleted = getattr(b, table)["is_deleted"]
        tally.add(table, "crm_soft_deleted", sum(v is True for v in deleted), len(deleted))
    user_emails = set(w.emails)
    contact_emails = [e for e in b.crm_contacts["email"] if e.lower() in user_emails]
    recased = sum(e != e.lower() for e in contact_emails)
    tally.add("crm_contacts", "crm_email_case", recased, len(contact_emails))
    by_domain = [i for i, link in enumerate(b.crm_link) if link == "domain"]
    live = dict(zip(b.crm_accounts["id"], b.crm_accounts["domain"], strict=True))
    variants = sum(live[b.crm_id[a]] != w.acc_domains[a] for a in by_domain)
    tally.add("crm_accounts", "crm_domain_variant", variants, len(by_domain))


def _write_truth(
    con, w, b, tally: Tally, seed: int, accounts: int, days: int, end_date, billing_shape: str
) -> None:
    A = len(w.group_ids)
    first_paid = [periods[0][0] if periods else None for periods in b.paid_periods]
    conv = w.acc_convert_day
    converted = np.nan_to_num(conv, nan=np.inf) < days
    ms = lambda x: w.t0_ms + np.round(x * 86_400_000).astype(np.int64)  # noqa: E731
    ts = pa.timestamp("ms")
    accounts_t = pa.table(
        {
            "group_id": w.group_ids,
            "intent_level": [c.INTENT_LEVELS[i] for i in w.acc_level.tolist()],
            "intent": w.acc_intent,
            "converted": converted,
            "converted_at": pa.array(ms(np.where(converted, conv, 0.0)), mask=~converted).cast(ts),
            "first_paid_at": times_ms(w.t0_ms, first_paid),
            "conversion_path": pa.array(b.conversion_path, type=pa.string()),
            "created_at": pa.array(ms(w.acc_created)).cast(ts),
            "domain": w.acc_domains,
            "employees": w.acc_employees.astype(np.int32),
            "signup_plan": np.where(w.acc_trial, "trial", "free").tolist(),
            "crm_account_id": pa.array(b.crm_id, type=pa.string()),
            "crm_link_method": pa.array(b.crm_link, type=pa.string()),
        }
    )
    period_rows = [
        (w.group_ids[a], n, start, end)
        for a, periods in enumerate(b.paid_periods)
        for n, (start, end) in enumerate(periods, start=1)
    ]
    paid_periods_t = pa.table(
        {
            "group_id": pa.array([r[0] for r in period_rows], type=pa.string()),
            "period_number": pa.array([r[1] for r in period_rows], type=pa.int32()),
            "paid_started_at": times_ms(w.t0_ms, [r[2] for r in period_rows]),
            "paid_ended_at": times_ms(w.t0_ms, [r[3] for r in period_rows]),
        }
    )
    n_mem = np.bincount(w.m_user, minlength=len(w.user_ids))
    users_t = pa.table(
        {
            "user_id": w.user_ids,
            "group_id": pa.array(w.group_ids).take(pa.array(w.user_account)),
            "email": w.emails,
            "signed_up_at": pa.array(ms(w.user_signup)).cast(ts),
            "is_internal": w.user_internal,
            "is_personal_email": w.user_personal,
            "workspace_count": n_mem.astype(np.int32),
        }
    )
    memberships_t = pa.table(
        {
            "user_id": pa.array(w.user_ids).take(pa.array(w.m_user)),
            "group_id": pa.array(w.group_ids).take(pa.array(w.m_account)),
            "joined_at": pa.array(ms(w.m_join)).cast(ts),
            "is_primary": w.m_primary,
        }
    )
    d = np.arange(w.n_user_devices)
    anon_t = pa.table(
        {
            "anonymous_id": pa.array(w.anon_ids[: w.n_user_devices]),
            "user_id": pa.array(w.user_ids).take(pa.array(w.dev_user[d])),
            "first_used_at": pa.array(ms(w.dev_first_use[d])).cast(ts),
        }
    )
    rows = tally.rows()
    bad_t = pa.table(
        {
            "table_name": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "row_count": pa.array([r[2] for r in rows], type=pa.int64()),
            "base_row_count": pa.array([r[3] for r in rows], type=pa.int64()),
            "documented_rate": pa.array([r[4] for r in rows], type=pa.float64()),
        }
    )
    info = {
        "generator_version": __version__,
        "seed": str(seed),
        "accounts": str(accounts),
        "days": str(days),
        "end_date": end_date.isoformat(),
        "window_start": dt.datetime.fromtimestamp(w.t0_ms / 1000, tz=dt.UTC).isoformat(),
        "snapshot_at": dt.datetime.fromtimestamp(w.end_ms / 1000, tz=dt.UTC).isoformat(),
        "workspaces": str(A),
        "users": str(len(w.user_ids)),
        "billing_shape": billing_shape,
    }
    info_t = pa.table({"key": list(info), "value": list(info.values())})
    for table, arrow in (
        ("accounts", accounts_t),
        ("users", users_t),
        ("memberships", memberships_t),
        ("paid_periods", paid_periods_t),
        ("anonymous_ids", anon_t),
        ("bad_input", bad_t),
        ("run_info", info_t),
    ):
        cols = ", ".join(f'"{name}"' for name in arrow.column_names)
        insert(con, TRUTH_SCHEMA, f"{table} ({cols})", arrow, f"select {cols} from {FRAME}")
