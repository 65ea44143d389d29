"""Workspaces (accounts), users, memberships and devices: the small, global part of the world.

Times are float days since the window start (`World.t0_ms`). Everything is drawn from one
`numpy.random.Generator`; the order of draws is part of the recipe, so keep it stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from pql_demo import config as c

MS_PER_DAY = 86_400_000


@dataclass
class World:
    n_days: int
    t0_ms: int  # window start (inclusive), epoch ms UTC
    end_ms: int  # snapshot time = end_date + 1 day 00:00 UTC (exclusive)
    # --- accounts (index a) ---
    group_ids: list[str] = field(default_factory=list)
    acc_names: list[str] = field(default_factory=list)
    acc_domains: list[str] = field(default_factory=list)
    acc_created: np.ndarray = None  # float days
    acc_employees: np.ndarray = None
    acc_industry: np.ndarray = None
    acc_country: np.ndarray = None
    acc_intent: np.ndarray = None
    acc_level: np.ndarray = None  # 0 low, 1 medium, 2 high
    acc_trial: np.ndarray = None  # bool: signed up on a trial (else free plan)
    acc_convert_day: np.ndarray = None  # float days, nan = never (may be beyond the window)
    acc_size_factor: np.ndarray = None
    acc_creator: np.ndarray = None  # user index of the workspace creator
    # --- users (index u) ---
    user_ids: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    user_first: np.ndarray = None
    user_last: np.ndarray = None
    user_signup: np.ndarray = None  # float days (first membership join)
    user_account: np.ndarray = None  # primary account
    user_internal: np.ndarray = None
    user_personal: np.ndarray = None
    user_source: np.ndarray = None
    user_persona: np.ndarray = None
    user_title: np.ndarray = None
    user_is_creator: np.ndarray = None
    # --- memberships (index m) ---
    m_user: np.ndarray = None
    m_account: np.ndarray = None
    m_join: np.ndarray = None
    m_primary: np.ndarray = None
    # --- invites (index i): every "Teammate Invited"; accepted ones point at a membership ---
    inv_account: np.ndarray = None
    inv_inviter: np.ndarray = None  # user index
    inv_day: np.ndarray = None
    inv_email: list[str] = field(default_factory=list)
    inv_membership: np.ndarray = None  # membership index or -1 (declined / pending)
    # --- devices (anonymous ids, index d) ---
    anon_ids: list[str] = field(default_factory=list)
    dev_user: np.ndarray = None  # -1 for marketing visitors who never sign up
    dev_first_use: np.ndarray = None
    user_dev_start: np.ndarray = None
    user_dev_count: np.ndarray = None
    n_user_devices: int = 0


def window(end_date: dt.date, days: int) -> tuple[int, int]:
    end = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    end_ms = int(end.timestamp() * 1000)
    return end_ms - days * MS_PER_DAY, end_ms


def unique_hex(rng: np.random.Generator, n: int, bits: int) -> np.ndarray:
    return rng.choice(2**bits, size=n, replace=False)


def format_uuid(values_hi: np.ndarray, values_lo: np.ndarray) -> list[str]:
    out = []
    for hi, lo in zip(values_hi.tolist(), values_lo.tolist(), strict=True):
        h = f"{hi:016x}{lo:016x}"
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}")
    return out


def company_names(rng: np.random.Generator, n: int, taken: set[str]) -> tuple[list, list]:
    """Unique company domains and display names; `taken` is updated in place."""
    pre = rng.integers(0, len(c.COMPANY_PREFIXES), n)
    root = rng.integers(0, len(c.COMPANY_ROOTS), n)
    suf = rng.integers(0, len(c.COMPANY_SUFFIXES), n)
    tld = rng.integers(0, len(c.TLDS), n)
    names, domains = [], []
    for p, r, s, t in zip(pre.tolist(), root.tolist(), suf.tolist(), tld.tolist(), strict=True):
        stem = c.COMPANY_PREFIXES[p] + c.COMPANY_ROOTS[r]
        domain = f"{stem}.{c.TLDS[t]}"
        k = 1
        while domain in taken:
            k += 1
            domain = f"{stem}{k}.{c.TLDS[t]}"
        taken.add(domain)
        base = c.COMPANY_PREFIXES[p].title() + c.COMPANY_ROOTS[r]
        names.append(base + (str(k) if k > 1 else "") + c.COMPANY_SUFFIXES[s])
        domains.append(domain)
    return names, domains


def segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a vector of counts, return (owner index per item, rank within owner)."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - starts


def build_world(rng: np.random.Generator, n_accounts: int, days: int, end_date: dt.date) -> World:
    t0_ms, end_ms = window(end_date, days)
    w = World(n_days=days, t0_ms=t0_ms, end_ms=end_ms)
    A = n_accounts

    # ---- accounts ----
    w.acc_created = np.sort(rng.uniform(0.0, days, A))
    emp = np.exp(rng.normal(c.EMPLOYEES_LOGNORMAL[0], c.EMPLOYEES_LOGNORMAL[1], A))
    w.acc_employees = np.clip(np.round(emp), 1, c.EMPLOYEES_MAX).astype(np.int64)
    w.acc_industry = rng.integers(0, len(c.INDUSTRIES), A)
    w.acc_country = rng.choice(len(c.COUNTRIES), size=A, p=np.array(c.COUNTRY_MIX) / 1.0)
    w.acc_intent = rng.beta(c.INTENT_BETA[0], c.INTENT_BETA[1], A)
    w.acc_level = np.searchsorted(np.array(c.INTENT_CUTS), w.acc_intent, side="right")
    w.acc_trial = rng.random(A) < c.TRIAL_SHARE
    p_conv = c.CONVERSION_P[0] + c.CONVERSION_P[1] * w.acc_intent ** c.CONVERSION_P[2]
    converts = rng.random(A) < p_conv
    delay = c.CONVERSION_DELAY_MIN_DAYS + rng.gamma(
        c.CONVERSION_DELAY_GAMMA[0], c.CONVERSION_DELAY_GAMMA[1], A
    )
    w.acc_convert_day = np.where(converts, w.acc_created + delay, np.nan)
    w.acc_size_factor = (1.0 + np.log10(w.acc_employees)) / 2.0
    gid = unique_hex(rng, A, 40)
    w.group_ids = [f"ws_{g:010x}" for g in gid.tolist()]
    w.acc_names, w.acc_domains = company_names(rng, A, {c.INTERNAL_DOMAIN})

    # ---- candidate users per workspace (creator + invitees, some never join) ----
    k, p, a, b, cap = c.USERS_EXTRA
    lam = np.minimum(cap, k * w.acc_employees**p * (a + b * w.acc_intent))
    n_cand = 1 + rng.poisson(lam)
    cand_acc, cand_rank = segments(n_cand)
    nc = len(cand_acc)
    scale = c.JOIN_DELAY_SCALE_DAYS / (0.3 + w.acc_intent[cand_acc])
    join = w.acc_created[cand_acc] + np.where(cand_rank == 0, 0.0, rng.exponential(scale))
    order = np.lexsort((join, cand_acc))
    join = join[order]  # cand_acc is already sorted, so only join moves
    declined = (rng.random(nc) < c.INVITE_DECLINED_SHARE) & (cand_rank > 0)
    # inviter: an earlier candidate of the same workspace that did join
    first = np.cumsum(n_cand) - n_cand
    inviter_rank = np.floor(rng.random(nc) * cand_rank).astype(np.int64)
    inviter_cand = first[cand_acc] + inviter_rank
    gap = join - join[inviter_cand]
    invite_day = join - np.minimum(rng.exponential(c.INVITE_TO_ACCEPT_DAYS, nc), 0.9 * gap)
    joined = (join < days) & ~declined
    # an inviter that itself never joined hands over to the creator
    bad_inviter = ~joined[inviter_cand] & (cand_rank > 0)
    inviter_cand = np.where(bad_inviter, first[cand_acc], inviter_cand)

    # ---- external users = joined candidates ----
    ext = np.flatnonzero(joined)
    n_ext = len(ext)
    n_int = int(
        round(c.BAD_INPUT_RATES["internal_user"] * n_ext / (1 - c.BAD_INPUT_RATES["internal_user"]))
    )
    U = n_ext + n_int
    cand_to_user = np.full(nc, -1, dtype=np.int64)
    cand_to_user[ext] = np.arange(n_ext)

    w.user_internal = np.zeros(U, dtype=bool)
    w.user_internal[n_ext:] = True
    w.user_personal = np.zeros(U, dtype=bool)
    w.user_personal[:n_ext] = rng.random(n_ext) < c.BAD_INPUT_RATES["personal_email"]
    w.user_first = rng.integers(0, len(c.FIRST_NAMES), U)
    w.user_last = rng.integers(0, len(c.LAST_NAMES), U)
    w.user_is_creator = np.zeros(U, dtype=bool)
    w.user_is_creator[:n_ext] = cand_rank[ext] == 0
    w.acc_creator = cand_to_user[first]

    # memberships: primary of external users
    m_user = [np.arange(n_ext)]
    m_acc = [cand_acc[ext]]
    m_join = [join[ext]]
    m_primary = [np.ones(n_ext, dtype=bool)]

    # second workspace for some external users
    share = c.BAD_INPUT_RATES["multi_workspace_user"]
    pick = np.flatnonzero(rng.random(n_ext) < share * 1.15)
    other = rng.integers(0, A, len(pick))
    other = np.where(other == cand_acc[ext][pick], (other + 1) % A, other)
    j2 = np.maximum(join[ext][pick], w.acc_created[other]) + rng.exponential(15.0, len(pick))
    keep = j2 < days
    pick, other, j2 = pick[keep], other[keep], j2[keep]
    m_user.append(pick)
    m_acc.append(other)
    m_join.append(j2)
    m_primary.append(np.zeros(len(pick), dtype=bool))

    # internal users: join 1-3 customer workspaces as support / solutions staff
    n_mem = 1 + rng.binomial(2, 0.35, n_int)
    iu, irank = segments(n_mem)
    iacc = rng.integers(0, A, len(iu))
    ijoin = w.acc_created[iacc] + rng.exponential(10.0, len(iu))
    ikeep = ijoin < days
    # an internal user whose every workspace join falls outside the window joins the first
    # workspace on its creation day instead (so every user has at least one membership)
    none_kept = np.bincount(iu[ikeep], minlength=n_int) == 0
    fix = none_kept[iu] & (irank == 0)
    ijoin = np.where(fix, w.acc_created[iacc] + 0.01, ijoin)
    ikeep = ikeep | fix
    iu, iacc, ijoin = iu[ikeep], iacc[ikeep], ijoin[ikeep]
    m_user.append(n_ext + iu)
    m_acc.append(iacc)
    m_join.append(ijoin)
    m_primary.append(np.zeros(len(iu), dtype=bool))

    w.m_user = np.concatenate(m_user)
    w.m_account = np.concatenate(m_acc)
    w.m_join = np.concatenate(m_join)
    w.m_primary = np.concatenate(m_primary)
    # internal users: their earliest membership is their "primary" one
    int_rows = np.flatnonzero(w.user_internal[w.m_user])
    o = int_rows[np.lexsort((w.m_join[int_rows], w.m_user[int_rows]))]
    if len(o):
        w.m_primary[o[np.r_[True, w.m_user[o][1:] != w.m_user[o][:-1]]]] = True

    w.user_signup = np.zeros(U)
    w.user_account = np.zeros(U, dtype=np.int64)
    prim = np.flatnonzero(w.m_primary)
    w.user_signup[w.m_user[prim]] = w.m_join[prim]
    w.user_account[w.m_user[prim]] = w.m_account[prim]

    # sources, personas, titles
    src = rng.choice(4, size=U, p=np.array(c.SIGNUP_SOURCE_MIX))
    src = np.where(w.user_is_creator, src, c.SIGNUP_SOURCES.index("invite"))
    w.user_source = np.where(w.user_internal, c.SIGNUP_SOURCES.index("internal"), src)
    persona = rng.choice(5, size=U, p=np.array(c.PERSONA_MIX))
    w.user_persona = np.where(w.user_internal, c.PERSONAS.index("support"), persona)
    tpick = rng.random(U)
    w.user_title = np.array(
        [
            c.PERSONA_TITLES[pp][int(t * len(c.PERSONA_TITLES[pp]))]
            for pp, t in zip(w.user_persona.tolist(), tpick.tolist(), strict=True)
        ],
        dtype=np.int64,
    )

    # ids and emails (for joined users and for invitees that never joined)
    uid = unique_hex(rng, U, 48)
    w.user_ids = [f"usr_{x:012x}" for x in uid.tolist()]
    cand_first = rng.integers(0, len(c.FIRST_NAMES), nc)
    cand_last = rng.integers(0, len(c.LAST_NAMES), nc)
    cand_first[ext] = w.user_first[:n_ext]
    cand_last[ext] = w.user_last[:n_ext]
    personal_dom = rng.integers(0, len(c.PERSONAL_DOMAINS), U)
    style = rng.integers(0, 4, nc + U)
    digits = rng.integers(1, 999, nc + U)
    taken: set[str] = set()

    def make_email(first_i: int, last_i: int, domain: str, style_i: int, num: int) -> str:
        fn, ln = c.FIRST_NAMES[first_i], c.LAST_NAMES[last_i]
        local = (f"{fn}.{ln}", f"{fn[0]}{ln}", fn, f"{fn}_{ln}")[style_i]
        if domain in c.PERSONAL_DOMAINS:
            local = f"{local}{num}"
        email = f"{local}@{domain}"
        while email in taken:
            num += 7
            email = f"{local}{num}@{domain}"
        taken.add(email)
        return email

    cand_email = [""] * nc
    for i in range(nc):
        u = cand_to_user[i]
        if u >= 0 and w.user_personal[u]:
            dom = c.PERSONAL_DOMAINS[personal_dom[u]]
        else:
            dom = w.acc_domains[cand_acc[i]]
        cand_email[i] = make_email(cand_first[i], cand_last[i], dom, style[i], digits[i])
    w.emails = [cand_email[i] for i in ext.tolist()]
    for u in range(n_ext, U):
        w.emails.append(
            make_email(w.user_first[u], w.user_last[u], c.INTERNAL_DOMAIN, 0, digits[nc + u])
        )

    # invites: every non-creator candidate whose invite was sent inside the window, plus the
    # invite of each second-workspace membership (sent by that workspace's creator)
    sent = (cand_rank > 0) & (invite_day < days)
    inv_c = np.flatnonzero(sent)
    inviter_user = cand_to_user[inviter_cand[inv_c]]
    # the primary membership of external user u has index u
    inv_mem = np.where(joined[inv_c], cand_to_user[inv_c], -1)
    sec = np.arange(n_ext, n_ext + len(pick))
    sec_creator = w.acc_creator[other]
    sec_gap = j2 - w.acc_created[other]
    sec_inv_day = j2 - np.minimum(
        rng.exponential(c.INVITE_TO_ACCEPT_DAYS, len(pick)), 0.9 * sec_gap
    )
    w.inv_account = np.concatenate([cand_acc[inv_c], other])
    w.inv_inviter = np.concatenate([inviter_user, sec_creator])
    w.inv_day = np.concatenate([invite_day[inv_c], sec_inv_day])
    w.inv_membership = np.concatenate([inv_mem, sec])
    w.inv_email = [cand_email[i] for i in inv_c.tolist()] + [w.emails[u] for u in pick.tolist()]

    # ---- devices (anonymous ids) ----
    n_dev = 1 + np.minimum(rng.poisson(c.DEVICES_EXTRA_POISSON, U), c.DEVICES_MAX - 1)
    d_user, d_rank = segments(n_dev)
    first_use = w.user_signup[d_user] + np.where(
        d_rank == 0, 0.0, rng.random(len(d_user)) * (days - w.user_signup[d_user])
    )
    n_vis = int(round(c.VISITORS_PER_ACCOUNT * A))
    w.n_user_devices = len(d_user)
    w.dev_user = np.concatenate([d_user, np.full(n_vis, -1)])
    w.dev_first_use = np.concatenate([first_use, rng.uniform(0, days, n_vis)])
    w.user_dev_start = np.cumsum(n_dev) - n_dev
    w.user_dev_count = n_dev
    n_all = len(w.dev_user)
    w.anon_ids = format_uuid(unique_hex(rng, n_all, 62), rng.integers(0, 2**62, n_all))
    return w
