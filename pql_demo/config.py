"""Every tunable number of the demo generator, in one place.

`BAD_INPUT_RATES` are the documented rates of dirty input (docs/demo_data.md repeats them);
the behaviour parameters below them shape the planted signal. Nothing else in the package
hard-codes a rate.
"""

from __future__ import annotations

import datetime as dt

DEFAULT_END_DATE = dt.date(2026, 6, 30)
DEFAULT_ACCOUNTS = 2000
DEFAULT_DAYS = 180
DEFAULT_SEED = 42

# Accounts are simulated in chunks of this many (memory bound, not part of the output:
# the random streams are keyed by chunk number, so this constant is part of the "recipe").
ACCOUNTS_PER_CHUNK = 1500

# ---------------------------------------------------------------------------------------------
# Bad input (docs/bad_input.md). Rates are per row of the table(s) named, unless noted.
# ---------------------------------------------------------------------------------------------
BAD_INPUT_RATES: dict[str, float] = {
    # tracks, pages: an identical copy of a row is appended (at-least-once delivery)
    "exact_duplicate": 0.010,
    # tracks, pages: a copy with the same id but a later received_at and a changed payload
    "conflicting_duplicate": 0.002,
    # tracks.properties, identifies.traits, groups.traits: text that is not valid JSON
    "malformed_json": 0.005,
    # tracks: properties column is null (SDK sent none)
    "null_properties": 0.020,
    # tracks, pages: both user_id and anonymous_id null
    "missing_both_ids": 0.002,
    # tracks: event name not in canonical "Title Case" (snake, kebab, camel, upper, padded ...)
    "event_name_variant": 0.100,
    # all event tables: timestamp with a non-UTC offset (same instant)
    "timestamp_offset": 0.100,
    # all event tables: timestamp in "YYYY-MM-DD HH:MM:SS" form (UTC, no zone, no millis)
    "timestamp_space_format": 0.250,
    # all event tables: timestamp text that does not parse
    "timestamp_unparseable": 0.0005,
    # all event tables: client clock skew, timestamp 2-400 days after received_at
    "timestamp_future": 0.001,
    # all event tables: received_at 1-10 days after the event
    "late_arrival": 0.020,
    # tracks, pages after signup: user_id null, only anonymous_id (for identity stitching)
    "anonymous_after_signup": 0.030,
    # tracks, pages after signup: context_group_id null
    "missing_group_context": 0.080,
    # memberships (not the workspace creator's): the group call never arrived, so the user is
    # tied to the workspace only by event context or email domain
    "missing_group_call": 0.030,
    # users: the identify row is received 1-7 days after the user's first events
    "late_identify": 0.030,
    # identifies: email sent with mixed case
    "email_mixed_case": 0.030,
    # external users: member of a second workspace
    "multi_workspace_user": 0.050,
    # external users: personal email domain
    "personal_email": 0.150,
    # all users: vendor employees (email domain pql-demo.io)
    "internal_user": 0.025,
    # crm_accounts, crm_contacts, crm_opportunities: soft-deleted rows (is_deleted = true)
    "crm_soft_deleted": 0.030,
    # crm accounts matched only by domain: domain stored as "WWW.x", "https://x/", "X.com" ...
    "crm_domain_variant": 0.400,
    # crm_contacts: email stored with different case from the product email
    "crm_email_case": 0.100,
    # Bad CRM and billing values (docs/bad_input.md, "Data"). Rates per row of the table; the
    # rejected kinds are extra copies of real rows (new ids), so the clean data is unchanged.
    # subscriptions: a copy whose mrr is out of any numeric range or not a number (1e300, NaN;
    # text columns only)
    "bad_mrr": 0.010,
    # subscriptions, crm_opportunities: a copy with a null id
    "null_record_id": 0.010,
    # crm_accounts: a copy whose employees is a range ('50-100'; text columns only)
    "employees_range": 0.020,
    # crm_accounts, crm_contacts: a copy whose is_deleted is 'deleted' (text columns only)
    "unparseable_flag": 0.010,
    # crm_opportunities: a won copy closed on 9999-12-31 (implausible date)
    "far_future_close": 0.010,
    # crm_opportunities: amount written as money text, '1,000.00' or '$49' (read as the same
    # number; text columns only)
    "money_format": 0.100,
    # crm_activities: an activity type outside call/email/meeting (read as 'other')
    "unknown_activity_type": 0.020,
}

LATE_ARRIVAL_DAYS = (1.0, 10.0)
FUTURE_SKEW_DAYS = (2.0, 400.0)
LATE_IDENTIFY_DAYS = (1.0, 7.0)
# Non-UTC offsets in minutes used by "timestamp_offset".
TIMESTAMP_OFFSETS_MIN = (60, 120, 180, 330, 540, 600, -180, -240, -300, -360, -420, -480)
UNPARSEABLE_TIMESTAMPS = (
    "not-a-date",
    "2026-13-45T99:00:00",
    "undefined",
    "0000-00-00 00:00:00",
)
INTERNAL_DOMAIN = "pql-demo.io"
PERSONAL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "hotmail.com",
    "icloud.com",
    "proton.me",
)

# ---------------------------------------------------------------------------------------------
# Accounts and their latent intent
# ---------------------------------------------------------------------------------------------
# intent ~ Beta(a, b); buckets by the cut points below.
INTENT_BETA = (1.6, 2.4)
INTENT_CUTS = (0.30, 0.55)  # low < 0.30 <= medium < 0.55 <= high
INTENT_LEVELS = ("low", "medium", "high")
EMPLOYEES_LOGNORMAL = (3.0, 1.5)  # mu, sigma of log(employees)
EMPLOYEES_MAX = 20000
TRIAL_SHARE = 0.70  # share of workspaces that start on a trial (the rest on the free plan)
TRIAL_DAYS = 14

# Conversion: p = base + scale * intent ** power; delay after signup = min + Gamma(shape, scale)
CONVERSION_P = (0.02, 0.75, 2.0)
CONVERSION_DELAY_MIN_DAYS = 5.0
CONVERSION_DELAY_GAMMA = (2.0, 9.0)
# Of converting accounts that have a CRM account: share closed through a sales opportunity,
# and of those, share billed by invoice only (no paid subscription row, only the won deal).
SALES_ASSISTED_SHARE = 0.50
INVOICE_ONLY_SHARE = 0.15
# Share of conversions that open a NEW subscription id instead of changing the trial's.
NEW_SUBSCRIPTION_ON_CONVERSION = 0.30

# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
# extra users per workspace ~ Poisson(min(cap, k * employees ** p * (a + b * intent)))
USERS_EXTRA = (0.9, 0.30, 0.4, 1.6, 40.0)
INVITE_DECLINED_SHARE = 0.25  # invited teammates that never accept
JOIN_DELAY_SCALE_DAYS = 25.0  # exponential scale, divided by (0.3 + intent)
INVITE_TO_ACCEPT_DAYS = 1.5
DEVICES_EXTRA_POISSON = 0.6
DEVICES_MAX = 4
PRE_SIGNUP_PAGES = (4.0, 1.2)  # Poisson mean for workspace creators, invitees
PRE_SIGNUP_SPREAD_DAYS = 2.5
VISITORS_PER_ACCOUNT = 3.0  # anonymous marketing-site visitors who never sign up

# ---------------------------------------------------------------------------------------------
# Activity
# ---------------------------------------------------------------------------------------------
# P(active on a day) = (a + b*intent) * (floor + (1 - floor) * exp(-age / tau)) * weekday factor
ACTIVE_BASE = (0.25, 0.45)
ACTIVE_FLOOR = (0.05, 0.55)
ACTIVE_TAU_DAYS = (8.0, 60.0)
WEEKEND_FACTOR = 0.35
INTERNAL_ACTIVE_P = 0.12
RAMP_DAYS = 14.0  # predictive behaviour ramps up in the days before conversion
RAMP_ACTIVE_FACTOR = 1.6
RAMP_EVENT_FACTOR = 2.0
PAYING_ACTIVE_FLOOR = 0.30
ONBOARDING_P = (0.15, 0.70)
ONBOARDING_DELAY_DAYS = (1.0, 6.0)  # exponential scale = a + b * (1 - intent)
APP_PAGES_PER_ACTIVE_DAY = 4.0
BILLING_PAGE_IN_RAMP_P = 0.5
SESSION_SPAN_DAYS = 0.06

# Decoy sessions per workspace per day (independent of intent), scaled by company size.
DECOY_SESSIONS_PER_DAY = 0.45
DECOY_EVENTS_PER_SESSION = 1.6  # 1 + Poisson(this)

# ---------------------------------------------------------------------------------------------
# Event catalogue. kind: predictive (rate rises with intent), usage (rate per active day, the
# same for everyone), decoy (account-level process independent of intent), lifecycle.
# rate = (base, slope, power): Poisson mean per active user-day = base + slope * intent**power
# ---------------------------------------------------------------------------------------------
EVENTS: tuple[tuple[str, str], ...] = (
    ("Project Created", "predictive"),
    ("Integration Connected", "predictive"),
    ("Report Shared", "predictive"),
    ("Teammate Invited", "predictive"),
    ("Invite Accepted", "predictive"),
    ("Onboarding Completed", "predictive"),
    ("Dashboard Viewed", "decoy"),
    ("Settings Opened", "decoy"),
    ("Notification Clicked", "decoy"),
    ("Help Article Opened", "decoy"),
    ("Project Viewed", "usage"),
    ("Search Performed", "usage"),
    ("File Uploaded", "usage"),
    ("Signed Up", "lifecycle"),
)
EVENT_CODE = {name: i for i, (name, _) in enumerate(EVENTS)}
PREDICTIVE_EVENTS = tuple(n for n, k in EVENTS if k == "predictive")
DECOY_EVENTS = tuple(n for n, k in EVENTS if k == "decoy")
USAGE_EVENTS = tuple(n for n, k in EVENTS if k == "usage")

# Per active user-day rates for events drawn per day (others are placed explicitly).
DAILY_EVENT_RATES: dict[str, tuple[float, float, float]] = {
    "Project Created": (0.04, 0.80, 1.5),
    "Integration Connected": (0.01, 0.15, 1.0),
    "Report Shared": (0.02, 0.45, 1.5),
    "Project Viewed": (2.0, 0.0, 1.0),
    "Search Performed": (0.8, 0.0, 1.0),
    "File Uploaded": (0.3, 0.0, 1.0),
}
# Internal users (demo / support work) do predictive things at a fixed rate.
INTERNAL_DAILY_RATES: dict[str, float] = {
    "Project Created": 0.5,
    "Integration Connected": 0.15,
    "Report Shared": 0.2,
    "Project Viewed": 2.0,
    "Search Performed": 0.8,
    "File Uploaded": 0.3,
}
DECOY_MIX: dict[str, float] = {
    "Dashboard Viewed": 0.50,
    "Notification Clicked": 0.20,
    "Settings Opened": 0.15,
    "Help Article Opened": 0.15,
}

# Property vocabularies (index = category code in the generated data).
TEMPLATES = ("blank", "kanban", "roadmap", "okr", "sprint", "crm-pipeline")
INTEGRATIONS = ("slack", "github", "jira", "salesforce", "hubspot", "google_drive", "zapier")
SHARE_CHANNELS = ("link", "email", "slack")
ROLES = ("member", "member", "member", "admin")
DASHBOARDS = ("home", "usage", "team", "billing")
SETTINGS_SECTIONS = ("profile", "notifications", "security", "billing", "api_keys")
NOTIFICATION_CHANNELS = ("email", "push", "in_app")
HELP_ARTICLES = (
    "getting-started",
    "invite-your-team",
    "connect-slack",
    "export-a-report",
    "reset-password",
    "billing-faq",
)
FILE_TYPES = ("pdf", "png", "csv", "docx", "xlsx")

# ---------------------------------------------------------------------------------------------
# Pages: (path, title, is_app). "{id}" is replaced by a generated id.
# ---------------------------------------------------------------------------------------------
PAGES: tuple[tuple[str, str, bool], ...] = (
    ("/", "PQL Demo | Projects your team will actually use", False),
    ("/pricing", "Pricing | PQL Demo", False),
    ("/features", "Features | PQL Demo", False),
    ("/docs/getting-started", "Getting started | PQL Demo Docs", False),
    ("/docs/integrations/slack", "Slack integration | PQL Demo Docs", False),
    ("/docs/api", "API reference | PQL Demo Docs", False),
    ("/blog/product-qualified-leads", "What is a product-qualified lead? | PQL Demo Blog", False),
    ("/blog/plg-metrics", "Seven PLG metrics that matter | PQL Demo Blog", False),
    ("/blog/onboarding-checklist", "The onboarding checklist | PQL Demo Blog", False),
    ("/customers", "Customers | PQL Demo", False),
    ("/signup", "Sign up | PQL Demo", False),
    ("/app/home", "Home | PQL Demo", True),
    ("/app/projects", "Projects | PQL Demo", True),
    ("/app/projects/{id}", "Project | PQL Demo", True),
    ("/app/reports", "Reports | PQL Demo", True),
    ("/app/reports/{id}", "Report | PQL Demo", True),
    ("/app/integrations", "Integrations | PQL Demo", True),
    ("/app/team", "Team | PQL Demo", True),
    ("/app/settings", "Settings | PQL Demo", True),
    ("/app/settings/billing", "Billing | PQL Demo", True),
    ("/app/dashboard", "Dashboard | PQL Demo", True),
    ("/app/help", "Help | PQL Demo", True),
)
PAGE_CODE = {path: i for i, (path, _, _) in enumerate(PAGES)}
MARKETING_HOST = "https://www.pql-demo.io"
APP_HOST = "https://app.pql-demo.io"
# Marketing page mix before signup (the last page before signup is always /signup).
MARKETING_MIX: dict[str, float] = {
    "/": 0.25,
    "/pricing": 0.18,
    "/features": 0.12,
    "/docs/getting-started": 0.10,
    "/docs/integrations/slack": 0.05,
    "/docs/api": 0.04,
    "/blog/product-qualified-leads": 0.08,
    "/blog/plg-metrics": 0.07,
    "/blog/onboarding-checklist": 0.05,
    "/customers": 0.06,
}
APP_MIX: dict[str, float] = {
    "/app/home": 0.22,
    "/app/projects": 0.18,
    "/app/projects/{id}": 0.22,
    "/app/reports": 0.08,
    "/app/reports/{id}": 0.08,
    "/app/integrations": 0.05,
    "/app/team": 0.05,
    "/app/settings": 0.05,
    "/app/dashboard": 0.04,
    "/app/help": 0.03,
}
REFERRERS = (
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://news.ycombinator.com/",
    "https://www.linkedin.com/",
    "https://twitter.com/",
    "https://www.reddit.com/r/SaaS/",
    "https://www.g2.com/",
)

# ---------------------------------------------------------------------------------------------
# People and companies
# ---------------------------------------------------------------------------------------------
SIGNUP_SOURCES = ("organic", "paid_search", "referral", "content", "invite", "internal")
SIGNUP_SOURCE_MIX = (0.40, 0.25, 0.15, 0.20)  # for workspace creators (first four sources)
PERSONAS = ("engineer", "manager", "founder", "analyst", "designer", "support")
PERSONA_MIX = (0.35, 0.25, 0.10, 0.20, 0.10)  # external users (first five personas)
TITLES = (
    "Software Engineer",
    "Engineering Manager",
    "Founder",
    "Data Analyst",
    "Product Designer",
    "Customer Support",
    "Head of Operations",
    "Product Manager",
)
PERSONA_TITLES = ((0, 1), (1, 6, 7), (2,), (3,), (4,), (5,))
INDUSTRIES = (
    "software",
    "fintech",
    "healthcare",
    "ecommerce",
    "education",
    "media",
    "manufacturing",
    "consulting",
    "nonprofit",
    "logistics",
)
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "ES", "SE", "JP")
COUNTRY_MIX = (0.38, 0.12, 0.09, 0.06, 0.06, 0.04, 0.04, 0.07, 0.05, 0.04, 0.03, 0.02)
FIRST_NAMES = (
    "ada", "alan", "alex", "amara", "ana", "ben", "bruno", "carla", "chen", "chloe",
    "dana", "david", "elena", "emma", "farah", "felix", "grace", "hana", "hugo", "ines",
    "ivan", "jade", "james", "jonas", "julia", "kai", "kenji", "lara", "leo", "lina",
    "luca", "maya", "marco", "mei", "nadia", "nina", "noah", "olga", "omar", "paula",
    "priya", "raj", "rosa", "sam", "sara", "sofia", "tariq", "tom", "uma", "vera",
    "wei", "yara", "yusuf", "zoe",
)  # fmt: skip
LAST_NAMES = (
    "adams", "ali", "baker", "berg", "costa", "cruz", "dubois", "eriksen", "fischer", "garcia",
    "gupta", "hansen", "ito", "jensen", "kim", "kowalski", "lee", "lopez", "martin", "meyer",
    "moreau", "nakamura", "novak", "okafor", "olsen", "patel", "peters", "quinn", "rossi",
    "santos", "schmidt", "silva", "singh", "smith", "tanaka", "torres", "urban", "varga",
    "wang", "weber", "wilson", "yilmaz", "young", "zhang",
)  # fmt: skip
COMPANY_PREFIXES = (
    "blue", "bright", "north", "swift", "clear", "deep", "green", "iron", "silver", "red",
    "true", "next", "open", "rapid", "solid", "smart", "happy", "bold", "quiet", "lucky",
    "prime", "urban", "wild", "golden", "cloud", "pixel", "data", "meta", "hyper", "alpha",
    "nova", "terra", "astro", "polar", "sunny", "crisp", "amber", "cobalt", "coral", "ember",
)  # fmt: skip
COMPANY_ROOTS = (
    "harbor", "forge", "labs", "works", "river", "stack", "grid", "pilot", "bridge", "field",
    "signal", "loop", "leaf", "peak", "wave", "stone", "craft", "nest", "orbit", "spark",
    "trail", "yard", "mint", "frame", "flow", "base", "shift", "point", "lane", "gate",
    "hive", "kite", "lens", "mesa", "path", "ridge", "sail", "tide", "vault", "wing",
)  # fmt: skip
COMPANY_SUFFIXES = ("", "", "", " Inc", " Labs", " GmbH", " Ltd", " Co", " Group", " Systems")
TLDS = ("com", "com", "com", "io", "co", "ai", "dev", "de", "co.uk", "app")

# ---------------------------------------------------------------------------------------------
# Billing and CRM
# ---------------------------------------------------------------------------------------------
PAID_PLANS = ("starter", "pro", "business")
SEAT_PRICE = {"starter": 12.0, "pro": 29.0, "business": 59.0}
MIN_SEATS = {"starter": 1, "pro": 3, "business": 10}
UPGRADE_P = (0.05, 0.30)  # per paying account within the window: a + b * intent
DOWNGRADE_P = 0.05
PAST_DUE_P = 0.06
CANCEL_P = (0.15, -0.12)  # a + b * intent
# Reactivation: share of churned (canceled) paid workspaces that move to a free subscription
# and, after a gap of this many days, pay again on a new subscription (paid -> free -> paid).
REACTIVATION_P = 0.5
REACTIVATION_GAP_DAYS = (5.0, 25.0)
# How subscriptions are written: change_log (one row per version) or current_state (one row
# per subscription, its latest version, as Stripe-like syncs write it).
BILLING_SHAPES = ("change_log", "current_state")
FREE_AFTER_TRIAL_SHARE = 0.6  # expired trials: moved to free plan, the rest canceled
CRM_ACCOUNT_P = (0.15, 0.25, 0.25)  # base, + if employees >= 50, + if employees >= 250
CRM_EXPLICIT_LINK_SHARE = 0.55
CRM_PROSPECT_ONLY_SHARE = 0.25  # extra CRM accounts (relative to linked) with no workspace
CRM_CONTACT_P = 0.60  # users of a CRM-linked workspace that are CRM contacts
CRM_CONTACT_BEFORE_SIGNUP = 0.30
CRM_CONTACT_NO_ACCOUNT = 0.03
MQL_P = (0.20, 0.10)  # weakly related to intent: a + b * intent
LEAD_SOURCES = ("Web", "Webinar", "Paid Search", "Event", "Outbound", "Partner", "Product Signup")
OPEN_STAGES = ("Discovery", "Proposal", "Negotiation")
NEW_BUSINESS_LOST_P = (0.10, 0.30)  # non-converting CRM accounts: a + b * intent
EXPANSION_P = (0.15, 0.40)
EXPANSION_WON_P = (0.30, 0.50)
RENEWAL_PROSPECT_P = 0.20
ACTIVITIES_PER_CONTACT = 1.5
ACTIVITIES_PER_OPPORTUNITY = 4.0
ACTIVITY_TYPES = ("call", "email", "meeting")
UNKNOWN_ACTIVITY_TYPES = ("linkedin_message", "sms", "Task")
BAD_MRR_TEXTS = ("1e300", "NaN")
FAR_FUTURE_DAY = "9999-12-31"
ACTIVITY_MIX = (0.35, 0.50, 0.15)
SALES_OWNERS = (
    "maya.chen@pql-demo.io",
    "jonas.berg@pql-demo.io",
    "priya.patel@pql-demo.io",
    "leo.martin@pql-demo.io",
    "sara.okafor@pql-demo.io",
    "tom.weber@pql-demo.io",
)
