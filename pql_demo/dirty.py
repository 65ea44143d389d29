"""Bad input (docs/bad_input.md), injected at the rates of `config.BAD_INPUT_RATES`.

The functions work on numpy frames (see `events.py`) and add the columns the SQL formatting in
`warehouse.py` turns into text: client_ms / fmt / off / garb (the timestamp as the client sent
it), recv_ms (received_at), var (event-name spelling), jvar (JSON: 0 valid, 1-3 malformed,
9 null), key (message id seed). Every injection is counted in a `Tally`, which becomes
`pql_demo_truth.bad_input`.
"""

from __future__ import annotations

import numpy as np

from pql_demo import config as c
from pql_demo.entities import MS_PER_DAY, World
from pql_demo.events import Frame, take

R = c.BAD_INPUT_RATES

FMT_ISO_Z = 0  # 2026-03-01T10:15:02.123Z
FMT_SPACE = 1  # 2026-03-01 10:15:02
FMT_OFFSET = 2  # 2026-03-01T12:15:02+02:00
FMT_GARBAGE = 3
N_NAME_VARIANTS = 6
N_MALFORMED_VARIANTS = 3
JSON_NULL = 9


class Tally:
    """Counts of injected bad input: (table, kind) -> [rows affected, rows considered]."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], list[int]] = {}

    def add(self, table: str, kind: str, count: int, base: int) -> None:
        cur = self.counts.setdefault((table, kind), [0, 0])
        cur[0] += int(count)
        cur[1] += int(base)

    def rows(self) -> list[tuple[str, str, int, int, float]]:
        return [
            (table, kind, n, base, R.get(kind, float("nan")))
            for (table, kind), (n, base) in sorted(self.counts.items())
        ]


def _pick(rng, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


def to_ms(w: World, t_days: np.ndarray) -> np.ndarray:
    return w.t0_ms + np.round(t_days * MS_PER_DAY).astype(np.int64)


def received_delays(rng, n: int, table: str, tally: Tally) -> np.ndarray:
    """Loader delay in ms: seconds to minutes, and 1-10 days for late-arriving rows."""
    normal = np.clip(np.exp(rng.normal(np.log(3000.0), 1.5, n)), 50, 30 * 60_000)
    late = _pick(rng, n, R["late_arrival"])
    lo, hi = c.LATE_ARRIVAL_DAYS
    late_ms = rng.uniform(lo * MS_PER_DAY, hi * MS_PER_DAY, n)
    tally.add(table, "late_arrival", late.sum(), n)
    return np.round(np.where(late, late_ms, normal)).astype(np.int64)


def timestamp_forms(rng, t_ms: np.ndarray, recv_ms: np.ndarray, table: str, tally: Tally) -> Frame:
    """Decide how each client timestamp is written: format, offset, garbage, clock skew."""
    n = len(t_ms)
    u = rng.random(n)
    edges = np.cumsum(
        [
            R["timestamp_unparseable"],
            R["timestamp_future"],
            R["timestamp_offset"],
            R["timestamp_space_format"],
        ]
    )
    kind = np.searchsorted(edges, u, side="right")  # 0 garbage, 1 future, 2 offset, 3 space, 4 Z
    fmt = np.select(
        [kind == 0, kind == 2, kind == 3], [FMT_GARBAGE, FMT_OFFSET, FMT_SPACE], FMT_ISO_Z
    )
    lo, hi = c.FUTURE_SKEW_DAYS
    skew = np.round(rng.uniform(lo * MS_PER_DAY, hi * MS_PER_DAY, n)).astype(np.int64)
    client = np.where(kind == 1, recv_ms + skew, t_ms)
    offsets = np.array(c.TIMESTAMP_OFFSETS_MIN)
    off = np.where(fmt == FMT_OFFSET, offsets[rng.integers(0, len(offsets), n)], 0)
    garb = rng.integers(0, len(c.UNPARSEABLE_TIMESTAMPS), n)
    tally.add(table, "timestamp_unparseable", (kind == 0).sum(), n)
    tally.add(table, "timestamp_future", (kind == 1).sum(), n)
    tally.add(table, "timestamp_offset", (kind == 2).sum(), n)
    tally.add(table, "timestamp_space_format", (kind == 3).sum(), n)
    return {"client_ms": client, "fmt": fmt, "off": off, "garb": garb}


def malformed_json(rng, n: int, table: str, tally: Tally, null_rate: float = 0.0) -> np.ndarray:
    """0 = valid JSON, 1..3 = a malformed variant, JSON_NULL = null."""
    jvar = np.zeros(n, dtype=np.int64)
    bad = _pick(rng, n, R["malformed_json"])
    jvar[bad] = rng.integers(1, N_MALFORMED_VARIANTS + 1, bad.sum())
    if null_rate:
        null = _pick(rng, n, null_rate) & ~bad
        jvar[null] = JSON_NULL
        tally.add(table, "null_properties", null.sum(), n)
    tally.add(table, "malformed_json", bad.sum(), n)
    return jvar


def event_dirt(rng, f: Frame, w: World, table: str, tally: Tally, key_base: int) -> Frame:
    """Dirty a clean tracks/pages frame; returns a new frame sorted by received time."""
    n = len(f["t"])
    f = dict(f)
    # identity gaps
    post = f["user"] >= 0
    anon_only = post & _pick(rng, n, R["anonymous_after_signup"])
    f["user"] = np.where(anon_only, -1, f["user"])
    f["acc"] = np.where(anon_only & (rng.random(n) < 0.7), -1, f["acc"])
    no_group = post & ~anon_only & (f["acc"] >= 0) & _pick(rng, n, R["missing_group_context"])
    f["acc"] = np.where(no_group, -1, f["acc"])
    no_ids = _pick(rng, n, R["missing_both_ids"])
    f["user"] = np.where(no_ids, -1, f["user"])
    f["anon"] = np.where(no_ids, -1, f["anon"])
    tally.add(table, "anonymous_after_signup", anon_only.sum(), post.sum())
    tally.add(table, "missing_group_context", no_group.sum(), (post & ~anon_only).sum())
    tally.add(table, "missing_both_ids", no_ids.sum(), n)

    t_ms = to_ms(w, f["t"])
    f["recv_ms"] = t_ms + received_delays(rng, n, table, tally)
    f.update(timestamp_forms(rng, t_ms, f["recv_ms"], table, tally))
    f["key"] = key_base + np.arange(n, dtype=np.int64)
    if table == "tracks":
        var = _pick(rng, n, R["event_name_variant"])
        f["var"] = np.where(var, rng.integers(1, N_NAME_VARIANTS + 1, n), 0)
        f["jvar"] = malformed_json(rng, n, table, tally, null_rate=R["null_properties"])
        tally.add(table, "event_name_variant", var.sum(), n)
    del f["t"]

    # not yet loaded at snapshot time
    f = take(f, np.flatnonzero(f["recv_ms"] < w.end_ms))
    n = len(f["key"])

    # duplicates: exact copies, and same id with a later received_at and a changed payload
    exact = np.flatnonzero(_pick(rng, n, R["exact_duplicate"]))
    conflict = np.flatnonzero(_pick(rng, n, R["conflicting_duplicate"]))
    dup = take(f, conflict)
    dup["recv_ms"] = dup["recv_ms"] + rng.integers(1000, 6 * 3_600_000, len(conflict))
    if table == "tracks":
        dup["pcat"] = dup["pcat"] + 1
        dup["pint"] = dup["pint"] + 1
    else:
        dup["ref"] = np.where(dup["ref"] == -1, 0, -1)
    keep = dup["recv_ms"] < w.end_ms
    dup = take(dup, np.flatnonzero(keep))
    tally.add(table, "exact_duplicate", len(exact), n)
    tally.add(table, "conflicting_duplicate", keep.sum(), n)
    out = {k: np.concatenate([f[k], f[k][exact], dup[k]]) for k in f}
    order = np.lexsort((out["key"], out["recv_ms"]))
    return take(out, order)


def _copy_rows(rng, table: dict[str, list], rate: float, **changes) -> int:
    """Append copies of random rows at `rate` of the rows, with `changes` applied (a value, or a
    callable of the row index); returns how many."""
    n = len(next(iter(table.values()), []))
    src = np.flatnonzero(_pick(rng, n, rate))
    for i in src.tolist():
        for col, vals in table.items():
            value = changes.get(col, vals[i])
            vals.append(value(i) if callable(value) else value)
    return len(src)


def business_dirt(
    rng, b, text_columns: set[tuple[str, str]], far_future_day: float, tally: Tally
) -> None:
    """Bad CRM and billing values (docs/bad_input.md, "Data") in the tables of `b` (a
    business.Business), in place. Rejected kinds are copies of real rows with a new id (or a null
    id), so the usable rows stay exactly the clean ones; values that cannot be written in a typed
    column (text in a number) are injected only where the column is text (`text_columns`)."""
    n = len(b.subscriptions["id"])
    if ("subscriptions", "mrr") in text_columns:
        bad = c.BAD_MRR_TEXTS
        k = _copy_rows(
            rng, b.subscriptions, R["bad_mrr"], id=lambda i: b.subscriptions["id"][i] + "-x",
            mrr=lambda i: bad[i % len(bad)],
        )  # fmt: skip
        tally.add("subscriptions", "bad_mrr", k, n)
    k = _copy_rows(rng, b.subscriptions, R["null_record_id"], id=None)
    tally.add("subscriptions", "null_record_id", k, n)

    accts = b.crm_accounts
    n = len(accts["id"])
    if ("crm_accounts", "employees") in text_columns:
        k = _copy_rows(rng, accts, R["employees_range"], id=lambda i: accts["id"][i] + "R",
                       employees="50-100")  # fmt: skip
        tally.add("crm_accounts", "employees_range", k, n)
    for name, table in (("crm_accounts", accts), ("crm_contacts", b.crm_contacts)):
        if (name, "is_deleted") in text_columns:
            m = len(table["id"])
            new_id = lambda i, t=table: t["id"][i] + "F"  # noqa: E731
            k = _copy_rows(rng, table, R["unparseable_flag"], id=new_id, is_deleted="deleted")
            tally.add(name, "unparseable_flag", k, m)

    opps = b.crm_opportunities
    n = len(opps["id"])
    if ("crm_opportunities", "amount") in text_columns:
        money = _pick(rng, n, R["money_format"])
        for i in np.flatnonzero(money).tolist():
            amount = opps["amount"][i]
            if amount is not None:
                opps["amount"][i] = f"{amount:,.2f}" if i % 2 else f"${amount:g}"
        tally.add("crm_opportunities", "money_format", money.sum(), n)
    k = _copy_rows(rng, opps, R["null_record_id"], id=None)
    tally.add("crm_opportunities", "null_record_id", k, n)
    k = _copy_rows(rng, opps, R["far_future_close"], id=lambda i: opps["id"][i] + "Z",
                   is_won=True, is_closed=True, closed_at=far_future_day)  # fmt: skip
    tally.add("crm_opportunities", "far_future_close", k, n)

    acts = b.crm_activities
    n = len(acts["id"])
    unknown = _pick(rng, n, R["unknown_activity_type"])
    for i in np.flatnonzero(unknown).tolist():
        acts["type"][i] = c.UNKNOWN_ACTIVITY_TYPES[i % len(c.UNKNOWN_ACTIVITY_TYPES)]
    tally.add("crm_activities", "unknown_activity_type", unknown.sum(), n)
