"""Billing (subscriptions, as a change log or as current state) and CRM (accounts, contacts,
opportunities, activities).

These tables are small (a few rows per workspace), so they are built with plain Python loops
over workspaces, drawing from a dedicated random stream. Times are float days since the window
start; `None` means null. `Outcome` carries what the event and truth tables need to know.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import numpy as np

from pql_demo import config as c
from pql_demo.contract import RAW_CONTRACT
from pql_demo.entities import World, company_names

_ALNUM = np.array(list(string.digits + string.ascii_uppercase + string.ascii_lowercase))


def sf_ids(rng, prefix: str, n: int) -> list[str]:
    """Salesforce-looking 18-character ids (unique)."""
    ids = ["".join(row) for row in _ALNUM[rng.integers(0, len(_ALNUM), (n, 15))].tolist()]
    seen: set[str] = set()
    out = []
    for i, x in enumerate(ids):
        while x in seen:
            x = x[:-3] + f"{i % 1000:03d}"
        seen.add(x)
        out.append(prefix + x)
    return out


@dataclass
class Business:
    subscriptions: dict[str, list] = field(default_factory=dict)
    crm_accounts: dict[str, list] = field(default_factory=dict)
    crm_contacts: dict[str, list] = field(default_factory=dict)
    crm_opportunities: dict[str, list] = field(default_factory=dict)
    crm_activities: dict[str, list] = field(default_factory=dict)
    # per workspace
    conversion_path: list = field(default_factory=list)  # None, self_serve, sales_assisted, invoice
    crm_id: list = field(default_factory=list)  # live CRM account id or None
    crm_link: list = field(default_factory=list)  # explicit, domain or None
    crm_created: np.ndarray = None
    plan_changes: list = field(default_factory=list)  # per workspace: [(day, plan), ...]
    # per workspace: the ground-truth paid periods [(start day, end day or None), ...]
    paid_periods: list = field(default_factory=list)


def _table(name: str) -> dict[str, list]:
    return {col: [] for col, _ in RAW_CONTRACT[name]}


def _append(table: dict[str, list], **row) -> None:
    for k, v in row.items():
        table[k].append(v)


def _paid_plan(rng, employees: int) -> int:
    base = 0 if employees < 15 else (1 if employees < 150 else 2)
    shift = rng.choice([-1, 0, 0, 0, 0, 1])
    return int(min(2, max(0, base + shift)))


def _domain_variant(rng, domain: str) -> str:
    stem, _, tld = domain.partition(".")
    forms = (
        f"www.{domain}",
        f"https://{domain}",
        f"https://www.{domain}/",
        f"http://{domain}/",
        f"{stem.title()}.{tld}",
        f"WWW.{domain.upper()}",
    )
    return forms[int(rng.integers(0, len(forms)))]


def email_case(email: str) -> str:
    local, _, dom = email.partition("@")
    return ".".join(p.title() for p in local.split(".")) + "@" + dom.title()


def build_business(
    rng, w: World, billing_shape: str = "change_log", reactivation_rng=None
) -> Business:
    """Billing and CRM. `billing_shape` change_log writes every subscription version;
    current_state writes only the latest version of each subscription (updated in place).
    Reactivations draw from their own stream `reactivation_rng`, so the other draws stay as
    they were without them."""
    if billing_shape not in c.BILLING_SHAPES:
        raise ValueError(
            f"billing_shape must be one of {list(c.BILLING_SHAPES)}: {billing_shape!r}"
        )
    rrng = reactivation_rng if reactivation_rng is not None else np.random.default_rng(0)
    b = Business()
    days = w.n_days
    A = len(w.acc_created)
    subs = _table("subscriptions")
    sub_ids = [f"sub_{x:014x}" for x in rng.choice(2**56, size=3 * A, replace=False).tolist()]
    next_sub = 0

    # memberships per workspace, sorted by join time, to count seats at a date
    order = np.lexsort((w.m_join, w.m_account))
    m_acc_sorted = w.m_account[order]
    m_join_sorted = w.m_join[order]
    acc_lo = np.searchsorted(m_acc_sorted, np.arange(A), side="left")
    acc_hi = np.searchsorted(m_acc_sorted, np.arange(A), side="right")

    def seats_at(a: int, day: float) -> int:
        joins = m_join_sorted[acc_lo[a] : acc_hi[a]]
        return int(np.searchsorted(joins, day, side="right"))

    # CRM presence is decided first: it changes how conversions close
    emp = w.acc_employees
    p_crm = (
        c.CRM_ACCOUNT_P[0] + c.CRM_ACCOUNT_P[1] * (emp >= 50) + c.CRM_ACCOUNT_P[2] * (emp >= 250)
    )
    has_crm = rng.random(A) < p_crm
    explicit = rng.random(A) < c.CRM_EXPLICIT_LINK_SHARE
    sales = rng.random(A) < c.SALES_ASSISTED_SHARE
    invoice = rng.random(A) < c.INVOICE_ONLY_SHARE
    crm_before = rng.random(A) < 0.4
    b.crm_created = np.where(
        crm_before,
        rng.random(A) * w.acc_created,
        w.acc_created + rng.uniform(0.5, 10.0, A),
    )
    has_crm &= b.crm_created < days
    b.plan_changes = [[] for _ in range(A)]
    b.paid_periods = [[] for _ in range(A)]
    won_new_business: dict[int, tuple[float, float]] = {}  # workspace -> (closed day, amount)

    for a in range(A):
        gid = w.group_ids[a]
        created = float(w.acc_created[a])
        conv = float(w.acc_convert_day[a])
        converting = conv == conv and conv < days  # not nan and inside the window
        intent = float(w.acc_intent[a])
        path = None
        if converting:
            path = "self_serve"
            if has_crm[a] and sales[a]:
                path = "invoice" if invoice[a] else "sales_assisted"
        b.conversion_path.append(path)
        versions: list[tuple] = []  # (sid, plan, status, started, trial_end, canceled, mrr, upd)

        sid = sub_ids[next_sub]
        next_sub += 1
        trial_end = created + c.TRIAL_DAYS if w.acc_trial[a] else None
        if w.acc_trial[a]:
            versions.append((sid, "trial", "trialing", created, trial_end, None, 0.0, created))
        else:
            versions.append((sid, "free", "active", created, None, None, 0.0, created))
        cur = versions[-1]

        paid_at = None
        if converting and path != "invoice":
            paid_at = conv if path == "self_serve" else conv + rng.uniform(0.0, 2.0)
        expire = trial_end is not None and (paid_at is None or paid_at >= trial_end)
        if expire and trial_end < days:
            if rng.random() < c.FREE_AFTER_TRIAL_SHARE:
                cur = (sid, "free", "active", created, trial_end, None, 0.0, trial_end)
            else:
                cur = (sid, "trial", "canceled", created, trial_end, trial_end, 0.0, trial_end)
            versions.append(cur)
        if paid_at is not None and paid_at < days:
            plan_i = _paid_plan(rng, int(emp[a]))
            plan = c.PAID_PLANS[plan_i]
            seats = max(c.MIN_SEATS[plan], seats_at(a, paid_at))
            mrr = seats * c.SEAT_PRICE[plan]
            new_subscription = (
                cur[2] == "canceled" or rng.random() < c.NEW_SUBSCRIPTION_ON_CONVERSION
            )
            # a free plan upgraded in place would leave current-state billing no trace of when
            # it started paying, so a free workspace pays on a new subscription
            if new_subscription or cur[1] == "free":
                if cur[2] != "canceled":
                    versions.append(cur[:2] + ("canceled", cur[3], cur[4], paid_at, 0.0, paid_at))
                sid = sub_ids[next_sub]
                next_sub += 1
                cur = (sid, plan, "active", paid_at, None, None, mrr, paid_at)
            else:
                # paying during the trial ends it: trial_ends_at moves to the payment
                cur = (sid, plan, "active", cur[3], min(cur[4], paid_at), None, mrr, paid_at)
            versions.append(cur)
            periods = b.paid_periods[a]
            periods.append([paid_at, None])
            # later changes, in time order; a cancellation ends the subscription
            changes = []
            if rng.random() < c.UPGRADE_P[0] + c.UPGRADE_P[1] * intent:
                changes.append((paid_at + rng.uniform(15, 90), "upgrade"))
            if rng.random() < c.DOWNGRADE_P:
                changes.append((paid_at + rng.uniform(20, 120), "downgrade"))
            if rng.random() < c.PAST_DUE_P:
                changes.append((paid_at + rng.uniform(25, 60), "past_due"))
            if rng.random() < c.CANCEL_P[0] + c.CANCEL_P[1] * intent:
                changes.append((paid_at + rng.uniform(30, 150), "cancel"))
            for when, kind in sorted(changes):
                if when >= days:
                    break
                s, plan, status, started, tend, _, mrr, _ = cur
                if kind in ("upgrade", "downgrade"):
                    i = c.PAID_PLANS.index(plan) + (1 if kind == "upgrade" else -1)
                    if not 0 <= i < len(c.PAID_PLANS):
                        continue
                    plan = c.PAID_PLANS[i]
                    seats = max(c.MIN_SEATS[plan], seats_at(a, when))
                    cur = (s, plan, "active", started, tend, None, seats * c.SEAT_PRICE[plan], when)
                    versions.append(cur)
                elif kind == "past_due":
                    versions.append((s, plan, "past_due", started, tend, None, mrr, when))
                    back = when + rng.uniform(3, 10)
                    if back >= days:
                        cur = versions[-1]
                        break
                    if rng.random() < 0.7:
                        cur = (s, plan, "active", started, tend, None, mrr, back)
                        versions.append(cur)
                    else:
                        cur = (s, plan, "canceled", started, tend, back, mrr, back)
                        versions.append(cur)
                        periods[-1][1] = back
                        break
                else:
                    cur = (s, plan, "canceled", started, tend, when, mrr, when)
                    versions.append(cur)
                    periods[-1][1] = when
                    break
            churned_at = periods[-1][1]
            if churned_at is not None and rrng.random() < c.REACTIVATION_P:
                # paid -> free -> paid: a free subscription, then a new paid one after a gap
                free_sid = f"sub_r{rrng.integers(2**52):013x}"
                versions.append(
                    (free_sid, "free", "active", churned_at, None, None, 0.0, churned_at)
                )
                back_at = churned_at + rrng.uniform(*c.REACTIVATION_GAP_DAYS)
                if back_at < days:
                    versions.append(
                        (free_sid, "free", "canceled", churned_at, None, back_at, 0.0, back_at)
                    )
                    s_plan = plan
                    seats = max(c.MIN_SEATS[s_plan], seats_at(a, back_at))
                    paid_sid = f"sub_r{rrng.integers(2**52):013x}"
                    cur = (paid_sid, s_plan, "active", back_at, None, None,
                           seats * c.SEAT_PRICE[s_plan], back_at)  # fmt: skip
                    versions.append(cur)
                    periods.append([back_at, None])
        if path in ("sales_assisted", "invoice"):
            plan = c.PAID_PLANS[max(1, _paid_plan(rng, int(emp[a])))]
            seats = max(c.MIN_SEATS[plan], seats_at(a, conv))
            won_new_business[a] = (conv, 12 * seats * c.SEAT_PRICE[plan])

        versions = [v for v in versions if v[7] < days]
        if billing_shape == "current_state":
            # one row per subscription: its latest version, updated in place
            latest = {v[0]: v for v in sorted(versions, key=lambda v: v[7])}
            written = sorted(latest.values(), key=lambda v: v[7])
        else:
            written = versions
        for v in versions:
            # the plan the product shows: a canceled subscription falls back to free
            b.plan_changes[a].append((v[7], v[1] if v[2] != "canceled" else "free"))
        for v in written:
            _append(
                subs,
                id=v[0],
                group_id=gid,
                plan=v[1],
                status=v[2],
                started_at=v[3],
                trial_ends_at=v[4],
                canceled_at=v[5],
                mrr=v[6],
                updated_at=v[7],
            )
    b.subscriptions = subs
    _build_crm(rng, w, b, has_crm, explicit, won_new_business)
    return b


def _build_crm(rng, w: World, b: Business, has_crm, explicit, won_new_business) -> None:
    days = w.n_days
    A = len(w.acc_created)
    linked = np.flatnonzero(has_crm)
    n_prospect = int(round(len(linked) * c.CRM_PROSPECT_ONLY_SHARE))
    p_names, p_domains = _prospect_companies(rng, w, n_prospect)
    n_acc = len(linked) + n_prospect
    ids = sf_ids(rng, "001", n_acc + n_acc // 10 + 10)
    accts = _table("crm_accounts")
    b.crm_id = [None] * A
    b.crm_link = [None] * A
    owner_of: dict[str, str] = {}
    domain_of: dict[str, str] = {}
    intent_of: dict[str, float] = {}
    ws_of: dict[str, int] = {}
    for j, a in enumerate(linked.tolist()):
        cid = ids[j]
        is_explicit = bool(explicit[a])
        b.crm_id[a] = cid
        b.crm_link[a] = "explicit" if is_explicit else "domain"
        dom = w.acc_domains[a]
        stored = dom
        if not is_explicit and rng.random() < c.BAD_INPUT_RATES["crm_domain_variant"]:
            stored = _domain_variant(rng, dom)
        owner = c.SALES_OWNERS[int(rng.integers(0, len(c.SALES_OWNERS)))]
        industry = int(w.acc_industry[a])
        if rng.random() < 0.1:
            industry = int(rng.integers(0, len(c.INDUSTRIES)))
        employees = max(1, int(round(w.acc_employees[a] * rng.uniform(0.8, 1.2))))
        name = w.acc_names[a] + (", Inc." if rng.random() < 0.15 else "")
        _append(
            accts,
            id=cid,
            name=name,
            domain=stored,
            owner_email=owner,
            industry=c.INDUSTRIES[industry],
            employees=employees,
            billing_country=c.COUNTRIES[int(w.acc_country[a])],
            created_at=float(b.crm_created[a]),
            is_deleted=False,
        )
        owner_of[cid], domain_of[cid], intent_of[cid], ws_of[cid] = owner, dom, w.acc_intent[a], a
    for j in range(n_prospect):
        cid = ids[len(linked) + j]
        owner = c.SALES_OWNERS[int(rng.integers(0, len(c.SALES_OWNERS)))]
        _append(
            accts,
            id=cid,
            name=p_names[j],
            domain=p_domains[j],
            owner_email=owner,
            industry=c.INDUSTRIES[int(rng.integers(0, len(c.INDUSTRIES)))],
            employees=int(np.clip(np.exp(rng.normal(4.0, 1.5)), 1, c.EMPLOYEES_MAX)),
            billing_country=c.COUNTRIES[int(rng.integers(0, len(c.COUNTRIES)))],
            created_at=float(rng.uniform(0, days)),
            is_deleted=False,
        )
        owner_of[cid], domain_of[cid], intent_of[cid] = owner, p_domains[j], 0.3
    _soft_delete_copies(rng, accts, ids[n_acc:])
    b.crm_accounts = accts

    # ---- contacts: product users of linked workspaces, plus prospects at every CRM account ----
    contacts = _table("crm_contacts")
    n_users = len(w.user_ids)
    cont_ids = sf_ids(rng, "003", 2 * n_users + 4 * n_acc + 10)
    nxt = 0
    contacts_of: dict[str, list[tuple[str, float]]] = {}

    def add_contact(cid, email, source, created, intent):
        nonlocal nxt
        ctid = cont_ids[nxt]
        nxt += 1
        mql = None
        if rng.random() < c.MQL_P[0] + c.MQL_P[1] * intent:
            m = created + rng.uniform(0, 30)
            mql = m if m < days else None
        acct = cid if rng.random() >= c.CRM_CONTACT_NO_ACCOUNT else None
        _append(
            contacts,
            id=ctid,
            account_id=acct,
            email=email,
            lead_source=source,
            mql_at=mql,
            created_at=created,
            is_deleted=False,
        )
        if acct is not None:
            contacts_of.setdefault(acct, []).append((ctid, created))

    for u in range(n_users):
        a = int(w.user_account[u])
        cid = b.crm_id[a]
        if cid is None or w.user_internal[u] or rng.random() >= c.CRM_CONTACT_P:
            continue
        signup = float(w.user_signup[u])
        email = w.emails[u]
        if rng.random() < c.BAD_INPUT_RATES["crm_email_case"]:
            email = email_case(email)
        if rng.random() < c.CRM_CONTACT_BEFORE_SIGNUP:
            created = rng.uniform(max(0.0, signup - 60), signup)
            source = c.LEAD_SOURCES[int(rng.integers(0, len(c.LEAD_SOURCES) - 1))]
        else:
            created = signup + rng.uniform(0.01, 3.0)
            source = "Product Signup"
        if created < days:
            add_contact(cid, email, source, created, float(w.acc_intent[a]))
    for cid in list(owner_of):
        for _ in range(int(rng.integers(1, 4))):
            fn = c.FIRST_NAMES[int(rng.integers(0, len(c.FIRST_NAMES)))]
            ln = c.LAST_NAMES[int(rng.integers(0, len(c.LAST_NAMES)))]
            email = f"{fn}.{ln}.{int(rng.integers(10, 99))}@{domain_of[cid]}"
            source = ("Outbound", "Event", "Webinar", "Partner")[int(rng.integers(0, 4))]
            add_contact(cid, email, source, float(rng.uniform(0, days)), intent_of[cid])
    _soft_delete_copies(rng, contacts, cont_ids[nxt:])
    b.crm_contacts = contacts

    # ---- opportunities ----
    opps = _table("crm_opportunities")
    opp_ids = sf_ids(rng, "006", 3 * n_acc + 10)
    nxt_o = 0

    def add_opp(cid, kind, source, created, closed, won, amount):
        nonlocal nxt_o
        if created >= days:
            return
        is_closed = closed is not None and closed < days
        if is_closed:
            stage = "Closed Won" if won else "Closed Lost"
        else:
            stage = c.OPEN_STAGES[int(rng.integers(0, len(c.OPEN_STAGES)))]
        _append(
            opps,
            id=opp_ids[nxt_o],
            account_id=cid,
            type=kind,
            lead_source=source,
            stage=stage,
            is_closed=is_closed,
            is_won=bool(is_closed and won),
            amount=round(amount, 2),
            created_at=created,
            closed_at=closed if is_closed else None,
            is_deleted=False,
        )
        nxt_o += 1

    for cid, a in ws_of.items():
        created_ws = float(w.acc_created[a])
        intent = float(w.acc_intent[a])
        conv = float(w.acc_convert_day[a])
        source = "Product Signup" if rng.random() < 0.7 else "Outbound"
        crm_created = float(b.crm_created[a])
        path = b.conversion_path[a]
        if a in won_new_business:
            closed, amount = won_new_business[a]
            start = max(created_ws + 2.0, crm_created, closed - rng.uniform(7, 30))
            add_opp(cid, "new_business", source, min(start, closed), closed, True, amount)
        elif (
            path is None
            and rng.random() < c.NEW_BUSINESS_LOST_P[0] + c.NEW_BUSINESS_LOST_P[1] * intent
        ):
            start = max(created_ws + rng.uniform(7, 45), crm_created)
            closed = start + rng.uniform(10, 60)
            # a workspace that converts after the window is still in negotiation, never lost
            converts_later = conv == conv
            add_opp(
                cid,
                "new_business",
                source,
                start,
                None if converts_later else closed,
                False,
                12 * 10 * c.SEAT_PRICE["pro"] * rng.uniform(0.5, 2.0),
            )
        if path is not None and rng.random() < c.EXPANSION_P[0] + c.EXPANSION_P[1] * intent:
            start = conv + rng.uniform(20, 80)
            closed = start + rng.uniform(10, 45)
            won = rng.random() < c.EXPANSION_WON_P[0] + c.EXPANSION_WON_P[1] * intent
            amount = 12 * c.SEAT_PRICE["pro"] * rng.uniform(3, 20)
            add_opp(cid, "expansion", "Account Management", start, closed, won, amount)
    for cid in list(owner_of)[len(ws_of) :]:
        if rng.random() < c.RENEWAL_PROSPECT_P:
            start = rng.uniform(0, days)
            closed = start + rng.uniform(10, 40)
            amount = 12 * c.SEAT_PRICE["business"] * rng.uniform(10, 60)
            add_opp(cid, "renewal", "Account Management", start, closed, rng.random() < 0.8, amount)
    _soft_delete_copies(rng, opps, opp_ids[nxt_o:])
    b.crm_opportunities = opps

    # ---- activities: touches on contacts, more around opportunities ----
    acts = _table("crm_activities")
    touches: list[tuple[str | None, str, float]] = []
    for cid, conts in contacts_of.items():
        for ctid, created in conts:
            for _ in range(int(rng.poisson(c.ACTIVITIES_PER_CONTACT))):
                touches.append((ctid, cid, created + rng.exponential(10.0)))
    for i in range(len(opps["id"])):
        if opps["is_deleted"][i]:
            continue
        cid = opps["account_id"][i]
        start = opps["created_at"][i]
        end = opps["closed_at"][i] if opps["closed_at"][i] is not None else days
        conts = contacts_of.get(cid, [])
        for _ in range(int(rng.poisson(c.ACTIVITIES_PER_OPPORTUNITY))):
            ctid = conts[int(rng.integers(0, len(conts)))][0] if conts else None
            touches.append((ctid, cid, rng.uniform(start, end)))
    act_ids = sf_ids(rng, "00T", len(touches) + 1)
    kinds = rng.choice(len(c.ACTIVITY_TYPES), size=len(touches), p=np.array(c.ACTIVITY_MIX))
    for i, (ctid, cid, when) in enumerate(touches):
        if when < days:
            _append(
                acts,
                id=act_ids[i],
                contact_id=ctid,
                account_id=cid,
                type=c.ACTIVITY_TYPES[int(kinds[i])],
                owner_email=owner_of[cid],
                occurred_at=when,
            )
    b.crm_activities = acts


def _prospect_companies(rng, w: World, n: int) -> tuple[list[str], list[str]]:
    return company_names(rng, n, set(w.acc_domains) | {c.INTERNAL_DOMAIN})


def _soft_delete_copies(rng, table: dict[str, list], spare_ids: list[str]) -> None:
    """Append soft-deleted copies (a rep's duplicate record, later deleted) at the documented
    rate of all rows; the copies get new ids, so live rows are never the ones removed."""
    n = len(table["id"])
    rate = c.BAD_INPUT_RATES["crm_soft_deleted"]
    k = int(round(n * rate / (1 - rate)))
    if n == 0 or k == 0:
        return
    src = rng.choice(n, size=min(k, n, len(spare_ids)), replace=False)
    for j, i in enumerate(sorted(src.tolist())):
        row = {col: vals[i] for col, vals in table.items()}
        row["id"] = spare_ids[j]
        row["is_deleted"] = True
        _append(table, **row)
