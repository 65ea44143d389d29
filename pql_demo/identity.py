"""Identify and group calls: who a visitor is, and which workspace a user belongs to."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pql_demo import config as c
from pql_demo.business import Business, email_case
from pql_demo.dirty import Tally, malformed_json, received_delays, timestamp_forms, to_ms
from pql_demo.entities import MS_PER_DAY, World
from pql_demo.events import assign_devices


def identifies_table(
    rng, w: World, tally: Tally, anon_ids: pa.Array, user_ids: pa.Array
) -> pa.Table:
    """One identify per device of every user: at signup on the first device, and when each
    further device is first used. A few users' signup identify arrives days late."""
    d = np.arange(w.n_user_devices)
    u = w.dev_user[d]
    first = d == w.user_dev_start[u]
    t = w.dev_first_use[d] + np.where(first, 0.00005, 0.0)
    t_ms = to_ms(w, t)
    n = len(d)
    recv = t_ms + received_delays(rng, n, "identifies", tally)
    eligible = first & (w.user_signup[u] + 8 < w.n_days)
    late = eligible & (rng.random(n) < c.BAD_INPUT_RATES["late_identify"])
    lo, hi = c.LATE_IDENTIFY_DAYS
    recv = np.where(late, t_ms + rng.uniform(lo, hi, n) * MS_PER_DAY, recv).astype(np.int64)
    tally.add("identifies", "late_identify", late.sum(), len(w.user_ids))
    forms = timestamp_forms(rng, t_ms, recv, "identifies", tally)
    jvar = malformed_json(rng, n, "identifies", tally)
    mixed = rng.random(n) < c.BAD_INPUT_RATES["email_mixed_case"]
    tally.add("identifies", "email_mixed_case", mixed.sum(), n)
    emails = [
        email_case(w.emails[x]) if m else w.emails[x]
        for x, m in zip(u.tolist(), mixed.tolist(), strict=True)
    ]
    names = [
        f"{c.FIRST_NAMES[w.user_first[x]].title()} {c.LAST_NAMES[w.user_last[x]].title()}"
        for x in u.tolist()
    ]
    keep = recv < w.end_ms
    order = np.flatnonzero(keep)
    order = order[np.argsort(recv[order], kind="stable")]
    uo = u[order]

    def vocab(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.string()).take(pa.array(codes[uo]))

    return pa.table(
        {
            "key": order.astype(np.int64),
            "anonymous_id": anon_ids.take(pa.array(d[order])),
            "user_id": user_ids.take(pa.array(uo)),
            "client_ms": forms["client_ms"][order],
            "fmt": forms["fmt"][order],
            "off": forms["off"][order],
            "garb": forms["garb"][order],
            "recv_ms": recv[order],
            "jvar": jvar[order],
            "email": pa.array(emails, type=pa.string()).take(pa.array(order)),
            "full_name": pa.array(names, type=pa.string()).take(pa.array(order)),
            "title": vocab(c.TITLES, w.user_title),
            "created_ms": to_ms(w, w.user_signup[uo]),
            "signup_source": vocab(c.SIGNUP_SOURCES, w.user_source),
            "persona": vocab(c.PERSONAS, w.user_persona),
        }
    )


def groups_table(
    rng,
    w: World,
    b: Business,
    tally: Tally,
    anon_ids: pa.Array,
    user_ids: pa.Array,
    group_ids: pa.Array,
) -> pa.Table:
    """A group call when a user joins a workspace, and one by the workspace creator each time
    the subscription changes (traits carry the plan at that moment)."""
    creator = w.acc_creator[w.m_account] == w.m_user
    lost = ~creator & (rng.random(len(w.m_user)) < c.BAD_INPUT_RATES["missing_group_call"])
    tally.add("groups", "missing_group_call", lost.sum(), len(lost))
    users = [w.m_user[~lost]]
    accs = [w.m_account[~lost]]
    times = [w.m_join[~lost] + 0.0001]
    for a, changes in enumerate(b.plan_changes):
        for (prev, _), (day, _) in zip(changes, changes[1:], strict=False):
            if day == prev:
                continue
            users.append(np.array([w.acc_creator[a]]))
            accs.append(np.array([a]))
            times.append(np.array([day + 0.0002]))
    u = np.concatenate(users)
    acc = np.concatenate(accs)
    t = np.concatenate(times)
    keep = t < w.n_days
    u, acc, t = u[keep], acc[keep], t[keep]
    n = len(t)
    anon = assign_devices(rng, w, u, t)
    plans, crm = [], []
    signup_plan = np.where(w.acc_trial, "trial", "free")
    for a, day in zip(acc.tolist(), t.tolist(), strict=True):
        plan = str(signup_plan[a])
        for when, p in b.plan_changes[a]:
            if when <= day:
                plan = p
        plans.append(plan)
        explicit = b.crm_link[a] == "explicit" and day >= b.crm_created[a]
        crm.append(b.crm_id[a] if explicit else None)
    t_ms = to_ms(w, t)
    recv = t_ms + received_delays(rng, n, "groups", tally)
    forms = timestamp_forms(rng, t_ms, recv, "groups", tally)
    jvar = malformed_json(rng, n, "groups", tally)
    order = np.flatnonzero(recv < w.end_ms)
    order = order[np.argsort(recv[order], kind="stable")]
    o = pa.array(order)
    return pa.table(
        {
            "key": order.astype(np.int64),
            "anonymous_id": anon_ids.take(pa.array(anon[order])),
            "user_id": user_ids.take(pa.array(u[order])),
            "group_id": group_ids.take(pa.array(acc[order])),
            "client_ms": forms["client_ms"][order],
            "fmt": forms["fmt"][order],
            "off": forms["off"][order],
            "garb": forms["garb"][order],
            "recv_ms": recv[order],
            "jvar": jvar[order],
            "name": pa.array(w.acc_names).take(pa.array(acc[order])),
            "domain": pa.array(w.acc_domains).take(pa.array(acc[order])),
            "plan": pa.array(plans, type=pa.string()).take(o),
            "employees": w.acc_employees[acc[order]],
            "industry": pa.array([c.INDUSTRIES[i] for i in w.acc_industry[acc[order]].tolist()]),
            "country": pa.array([c.COUNTRIES[i] for i in w.acc_country[acc[order]].tolist()]),
            "crm_account_id": pa.array(crm, type=pa.string()).take(o),
        }
    )
