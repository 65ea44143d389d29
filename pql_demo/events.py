"""Behaviour: clean tracks and pages for one chunk of workspaces, as numpy column frames.

A frame is a dict of equal-length numpy arrays. Times are float days since the window start.
Columns of a track frame: user, anon, acc (indices, -1 = null), ev (event code), t, pint, pcat
(raw material for properties), inv (invite index for the invitee email, -1 = none).
Columns of a page frame: user, anon, acc, page (page code), pid, ref (referrer code, -1 none,
-2 in-app), utm, t.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from pql_demo import config as c
from pql_demo.entities import World, segments

Frame = dict[str, np.ndarray]

TRACK_COLUMNS = ("user", "anon", "acc", "ev", "t", "pint", "pcat", "inv")
PAGE_COLUMNS = ("user", "anon", "acc", "page", "pid", "ref", "utm", "t")


def empty_frame(columns: tuple[str, ...]) -> Frame:
    return {k: np.zeros(0, dtype=np.float64 if k == "t" else np.int64) for k in columns}


def concat(frames: list[Frame], columns: tuple[str, ...]) -> Frame:
    frames = [f for f in frames if len(f["t"])]
    if not frames:
        return empty_frame(columns)
    return {k: np.concatenate([f[k] for f in frames]) for k in columns}


def take(frame: Frame, idx: np.ndarray) -> Frame:
    return {k: v[idx] for k, v in frame.items()}


def _track_frame(rng, user, acc, ev, t, inv=None) -> Frame:
    n = len(t)
    return {
        "user": user.astype(np.int64),
        "anon": np.full(n, -1, dtype=np.int64),
        "acc": acc.astype(np.int64),
        "ev": np.broadcast_to(ev, (n,)).astype(np.int64),
        "t": t.astype(np.float64),
        "pint": rng.integers(0, 2**32, n),
        "pcat": rng.integers(0, 2**16, n),
        "inv": np.full(n, -1, dtype=np.int64) if inv is None else inv.astype(np.int64),
    }


def _page_frame(rng, user, acc, page, t, ref=None, utm=None) -> Frame:
    n = len(t)
    return {
        "user": user.astype(np.int64),
        "anon": np.full(n, -1, dtype=np.int64),
        "acc": acc.astype(np.int64),
        "page": np.broadcast_to(page, (n,)).astype(np.int64),
        "pid": rng.integers(0, 2**32, n),
        "ref": np.full(n, -1, dtype=np.int64) if ref is None else ref.astype(np.int64),
        "utm": np.zeros(n, dtype=np.int64) if utm is None else utm.astype(np.int64),
        "t": t.astype(np.float64),
    }


def _mix(rng, mix: dict[str, float], codes: dict[str, int], n: int) -> np.ndarray:
    keys = list(mix)
    p = np.array([mix[k] for k in keys])
    return np.array([codes[k] for k in keys])[rng.choice(len(keys), size=n, p=p / p.sum())]


def assign_devices(rng, w: World, user: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Pick one of the user's devices already in use at time t (device 0 otherwise)."""
    out = np.full(len(user), -1, dtype=np.int64)
    known = user >= 0
    u = user[known]
    start = w.user_dev_start[u]
    dev = start + np.floor(rng.random(len(u)) * w.user_dev_count[u]).astype(np.int64)
    # device 0 carries most traffic
    dev = np.where(rng.random(len(u)) < 0.5, start, dev)
    dev = np.where(w.dev_first_use[dev] > t[known], start, dev)
    out[known] = dev
    return out


def chunk_events(rng, w: World, a0: int, a1: int, weekday0: int) -> tuple[Frame, Frame]:
    """Clean tracks and pages for workspaces a0 <= a < a1 (and their users' pre-signup pages)."""
    tracks: list[Frame] = []
    pages: list[Frame] = []
    days = w.n_days
    in_chunk = (w.m_account >= a0) & (w.m_account < a1)
    mids = np.flatnonzero(in_chunk)

    # ---- daily activity of every membership ----
    join = w.m_join[mids]
    acc = w.m_account[mids]
    user = w.m_user[mids]
    internal = w.user_internal[user]
    start = np.floor(join).astype(np.int64)
    row, k = segments(days - start)
    day = start[row] + k
    it = w.acc_intent[acc][row]
    age = np.maximum(day + 0.5 - join[row], 0.0)
    floor = c.ACTIVE_FLOOR[0] + c.ACTIVE_FLOOR[1] * it
    tau = c.ACTIVE_TAU_DAYS[0] + c.ACTIVE_TAU_DAYS[1] * it
    p = (c.ACTIVE_BASE[0] + c.ACTIVE_BASE[1] * it) * (floor + (1 - floor) * np.exp(-age / tau))
    conv = w.acc_convert_day[acc][row]
    with np.errstate(invalid="ignore"):
        ramp = (day + 1 > conv - c.RAMP_DAYS) & (day < conv)
        paying = day >= conv
    p = np.where(ramp, np.minimum(p * c.RAMP_ACTIVE_FACTOR, 0.95), p)
    p = np.where(paying, np.maximum(p, c.PAYING_ACTIVE_FLOOR), p)
    p = np.where(internal[row], c.INTERNAL_ACTIVE_P, p)
    p = p * np.where((weekday0 + day) % 7 >= 5, c.WEEKEND_FACTOR, 1.0)
    p = np.where(k == 0, 1.0, p)
    active = rng.random(len(p)) < p

    r = row[active]
    a_day = day[active]
    a_first = k[active] == 0
    a_ramp = ramp[active]
    a_int = internal[r]
    a_it = it[active]
    session = np.where(
        a_first,
        join[r] + rng.uniform(0.0005, 0.01, len(r)),
        a_day + np.clip(rng.normal(0.55, 0.12, len(r)), 0.01, 0.9),
    )
    names = list(c.DAILY_EVENT_RATES)
    rates = np.empty((len(r), len(names)))
    for j, name in enumerate(names):
        base, slope, power = c.DAILY_EVENT_RATES[name]
        rate = base + slope * a_it**power
        if name in c.PREDICTIVE_EVENTS:
            rate = np.where(a_ramp, rate * c.RAMP_EVENT_FACTOR, rate)
        rates[:, j] = np.where(a_int, c.INTERNAL_DAILY_RATES[name], rate)
    counts = rng.poisson(rates).ravel()
    flat = np.repeat(np.arange(counts.size), counts)
    er = flat // len(names)
    ev = np.array([c.EVENT_CODE[n] for n in names])[flat % len(names)]
    t = session[er] + rng.uniform(0, c.SESSION_SPAN_DAYS, len(er))
    tracks.append(_track_frame(rng, user[r][er], acc[r][er], ev, t))

    extra = a_ramp & (rng.random(len(r)) < c.BILLING_PAGE_IN_RAMP_P)
    n_pages = rng.poisson(c.APP_PAGES_PER_ACTIVE_DAY, len(r)) + extra
    pr = np.repeat(np.arange(len(r)), n_pages)
    page = _mix(rng, c.APP_MIX, c.PAGE_CODE, len(pr))
    # the extra page of a ramp day (someone looking at plans) is the billing page
    last_of_row = np.r_[pr[1:] != pr[:-1], True] if len(pr) else np.zeros(0, dtype=bool)
    page = np.where(last_of_row & extra[pr], c.PAGE_CODE["/app/settings/billing"], page)
    t = session[pr] + rng.uniform(0, c.SESSION_SPAN_DAYS, len(pr))
    ref = np.where(rng.random(len(pr)) < 0.3, -2, -1)
    pages.append(_page_frame(rng, user[r][pr], acc[r][pr], page, t, ref=ref))

    # ---- decoys: a workspace-level process that ignores intent ----
    accs = np.arange(a0, a1)
    life = days - w.acc_created[accs]
    n_sess = rng.poisson(c.DECOY_SESSIONS_PER_DAY * w.acc_size_factor[accs] * life)
    s_acc = np.repeat(accs, n_sess)
    s_t = w.acc_created[s_acc] + rng.random(len(s_acc)) * (days - w.acc_created[s_acc])
    ext = mids[~internal]
    span = days + 10.0
    key = w.m_account[ext] * span + w.m_join[ext]
    o = np.argsort(key, kind="stable")
    ext, key = ext[o], key[o]
    lo = np.searchsorted(key, s_acc * span, side="left")
    hi = np.searchsorted(key, s_acc * span + s_t, side="right")
    s_mem = ext[lo + np.floor(rng.random(len(s_acc)) * (hi - lo)).astype(np.int64)]
    n_ev = 1 + rng.poisson(c.DECOY_EVENTS_PER_SESSION, len(s_acc))
    de = np.repeat(np.arange(len(s_acc)), n_ev)
    ev = _mix(rng, c.DECOY_MIX, c.EVENT_CODE, len(de))
    t = s_t[de] + rng.uniform(0, 0.03, len(de))
    tracks.append(_track_frame(rng, w.m_user[s_mem][de], s_acc[de], ev, t))
    pages.append(
        _page_frame(
            rng,
            w.m_user[s_mem],
            s_acc,
            c.PAGE_CODE["/app/dashboard"],
            s_t,
            ref=np.full(len(s_t), -2),
        )
    )

    # ---- lifecycle and milestones of primary, external memberships ----
    prim = mids[w.m_primary[mids] & ~internal]
    pu, pa_, pj = w.m_user[prim], w.m_account[prim], w.m_join[prim]
    f = _track_frame(rng, pu, pa_, c.EVENT_CODE["Signed Up"], pj + 0.0002)
    f["pcat"] = w.user_source[pu]
    tracks.append(f)
    pit = w.acc_intent[pa_]
    done = rng.random(len(prim)) < c.ONBOARDING_P[0] + c.ONBOARDING_P[1] * pit
    scale = c.ONBOARDING_DELAY_DAYS[0] + c.ONBOARDING_DELAY_DAYS[1] * (1 - pit)
    t = pj + rng.exponential(scale)
    done &= t < days
    tracks.append(
        _track_frame(rng, pu[done], pa_[done], c.EVENT_CODE["Onboarding Completed"], t[done])
    )

    # ---- invites sent and accepted ----
    inv = np.flatnonzero((w.inv_account >= a0) & (w.inv_account < a1))
    tracks.append(
        _track_frame(
            rng,
            w.inv_inviter[inv],
            w.inv_account[inv],
            c.EVENT_CODE["Teammate Invited"],
            w.inv_day[inv],
            inv=inv,
        )
    )
    acc_inv = inv[w.inv_membership[inv] >= 0]
    m = w.inv_membership[acc_inv]
    tracks.append(
        _track_frame(
            rng, w.m_user[m], w.m_account[m], c.EVENT_CODE["Invite Accepted"], w.m_join[m] + 0.0003
        )
    )

    # ---- anonymous marketing pages before signup ----
    # users who signed up into one of this chunk's workspaces
    creator = w.user_is_creator[pu]
    n_pre = rng.poisson(np.where(creator, c.PRE_SIGNUP_PAGES[0], c.PRE_SIGNUP_PAGES[1]))
    pre = np.repeat(np.arange(len(prim)), n_pre)
    t = pj[pre] - 0.001 - rng.exponential(c.PRE_SIGNUP_SPREAD_DAYS, len(pre))
    page = _mix(rng, c.MARKETING_MIX, c.PAGE_CODE, len(pre))
    ref = np.where(rng.random(len(pre)) < 0.35, rng.integers(0, len(c.REFERRERS), len(pre)), -1)
    paid = w.user_source[pu[pre]] == c.SIGNUP_SOURCES.index("paid_search")
    utm = np.where(paid & (rng.random(len(pre)) < 0.5), 1, 0)
    utm = np.where((utm == 0) & (rng.random(len(pre)) < 0.05), 2, utm)
    keep = t >= 0
    sig = np.flatnonzero(creator)
    ts = pj[sig] - rng.uniform(0.0007, 0.004, len(sig))
    anon0 = w.user_dev_start[pu]
    pre_f = _page_frame(
        rng,
        np.full(keep.sum(), -1),
        np.full(keep.sum(), -1),
        page[keep],
        t[keep],
        ref=ref[keep],
        utm=utm[keep],
    )
    pre_f["anon"] = anon0[pre[keep]]
    sig_f = _page_frame(
        rng, np.full(len(sig), -1), np.full(len(sig), -1), c.PAGE_CODE["/signup"], ts
    )
    sig_f["anon"] = anon0[sig]
    ok = ts >= 0
    pages.append(pre_f)
    pages.append(take(sig_f, np.flatnonzero(ok)))

    # ---- anonymous visitors that never sign up (their share of this chunk) ----
    n_vis = len(w.dev_user) - w.n_user_devices
    A = len(w.acc_created)
    v0 = w.n_user_devices + (n_vis * a0) // A
    v1 = w.n_user_devices + (n_vis * a1) // A
    vis = np.arange(v0, v1)
    n_vp = 1 + rng.poisson(1.5, len(vis))
    vr = np.repeat(np.arange(len(vis)), n_vp)
    t = w.dev_first_use[vis][vr] + rng.uniform(0, 0.02, len(vr))
    page = _mix(rng, c.MARKETING_MIX, c.PAGE_CODE, len(vr))
    ref = np.where(rng.random(len(vr)) < 0.5, rng.integers(0, len(c.REFERRERS), len(vr)), -1)
    vf = _page_frame(rng, np.full(len(vr), -1), np.full(len(vr), -1), page, t, ref=ref)
    vf["anon"] = vis[vr]
    pages.append(vf)

    tr = concat(tracks, TRACK_COLUMNS)
    pg = concat(pages, PAGE_COLUMNS)
    # devices for identified rows, then drop anything past the end of the window
    tr_known = tr["user"] >= 0
    tr["anon"][tr_known] = assign_devices(rng, w, tr["user"][tr_known], tr["t"][tr_known])
    pg_known = pg["user"] >= 0
    pg["anon"][pg_known] = assign_devices(rng, w, pg["user"][pg_known], pg["t"][pg_known])
    tr = take(tr, np.flatnonzero(tr["t"] < days))
    pg = take(pg, np.flatnonzero(pg["t"] < days))
    return tr, pg


def chunk_behaviours(rng, w: World, a0: int, a1: int) -> Frame:
    """Volume and noise tracks of workspaces a0 <= a < a1, from their own random stream.

    Every membership, from its join to the end of the window: `Video Watched` at a daily rate
    rising with the workspace's intent (minutes per video too), `Heartbeat Sent` at a fixed
    daily rate that ignores intent. Devices are assigned like other identified rows."""
    days = w.n_days
    mids = np.flatnonzero((w.m_account >= a0) & (w.m_account < a1))
    join = w.m_join[mids]
    life = np.maximum(days - join, 0.0)
    it = w.acc_intent[w.m_account[mids]]
    base, slope, power = c.VIDEO_DAILY_RATE
    frames = []
    for name, rate in (
        ("Video Watched", base + slope * it**power),
        ("Heartbeat Sent", np.full(len(mids), c.HEARTBEAT_DAILY_RATE)),
    ):
        n = rng.poisson(rate * life)
        row = np.repeat(np.arange(len(mids)), n)
        t = join[row] + rng.random(len(row)) * life[row]
        m = mids[row]
        f = _track_frame(rng, w.m_user[m], w.m_account[m], c.EVENT_CODE[name], t)
        if name == "Video Watched":
            mean = c.VIDEO_MINUTES_MEAN[0] + c.VIDEO_MINUTES_MEAN[1] * it[row]
            f["pint"] = np.ceil(rng.exponential(mean)).astype(np.int64)
        frames.append(f)
    tr = concat(frames, TRACK_COLUMNS)
    tr["anon"] = assign_devices(rng, w, tr["user"], tr["t"])
    return take(tr, np.flatnonzero(tr["t"] < days))


def weekday_of(t0_ms: int) -> int:
    return dt.datetime.fromtimestamp(t0_ms / 1000, tz=dt.UTC).weekday()
