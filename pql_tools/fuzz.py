"""A seeded fuzzer for the raw warehouse: a catalogue of kinds of bad input, each a small
function that changes a few rows of a generated raw schema the way real CDP, CRM and billing
loaders do, plus the counts the fuzz test reconciles (tests/test_fuzz.py).

Every kind is documented, with the treatment pql owes it, in docs/bad_input.md ("Data").

    >>> import duckdb
    >>> from pql_tools.fuzz import apply_mutations, pick_mutations
    >>> con = duckdb.connect("warehouse.duckdb")
    >>> log = apply_mutations(con, pick_mutations(seed=7), seed=7, phase="raw")

A mutation receives a DuckDB connection whose database holds the `raw` schema and a numpy
Generator of its own (seeded by the run's seed and the kind's name, so adding a kind never
changes what another kind does with the same seed). It returns one line saying what it changed.
Phase "raw" kinds run on the generated warehouse before it is split into loads; "first_load"
kinds on the first load before it is built (a load time that poisons the watermark, so that
the second load shows whether it is still read); "after_first_build" kinds on the built
warehouse between the first and the second load (records deleted after they were synced, rows
loaded behind the watermark).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np

PHASES = ("raw", "first_load", "after_first_build")
EVENT_TABLES = ("tracks", "pages", "identifies", "groups")
OTHER_TABLES = (
    "subscriptions",
    "crm_accounts",
    "crm_contacts",
    "crm_opportunities",
    "crm_activities",
)
# Placeholder identity values browser SDKs and careless integrations send as ids.
PLACEHOLDER_IDS = ("null", "undefined", "0", "-1", "anonymous", "None", "[object Object]")
LOOKBACK_DAYS = 3  # dbt_project.yml pql_lookback_days; rows behind it go well past it


@dataclass(frozen=True)
class Mutation:
    name: str
    tables: tuple[str, ...]
    phase: str
    apply: Callable[[duckdb.DuckDBPyConnection, np.random.Generator], str]
    last: bool = False  # runs after the other kinds of its phase (it removes rows they need)


CATALOGUE: dict[str, Mutation] = {}

# Kinds that break an invariant of tests/test_fuzz.py on today's models, with the reason. The
# test leaves them out (and says so in its output); empty this list as the fixes land.
# PQL_FUZZ_ONLY=<kind> runs a listed kind anyway, to see the failure. Empty: every kind runs.
KNOWN_BROKEN: dict[str, str] = {}


def mutation(*tables: str, phase: str = "raw", last: bool = False):
    """Register the decorated function as a kind of bad input, named after the function."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; expected one of {PHASES}")

    def register(function):
        CATALOGUE[function.__name__] = Mutation(function.__name__, tables, phase, function, last)
        return function

    return register


# --- helpers ---------------------------------------------------------------------------------


def _columns(con, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = 'raw' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()
    return dict(rows)


def _pick(con, rng: np.random.Generator, table: str, n: int, where: str = "true") -> list[int]:
    """Row ids of up to n random rows of raw.<table> matching `where`, in a seeded order."""
    rowids = [
        r[0]
        for r in con.execute(
            f"select rowid from raw.{table} where {where} order by rowid"
        ).fetchall()
    ]
    if not rowids:
        return []
    chosen = rng.choice(len(rowids), size=min(n, len(rowids)), replace=False)
    return [rowids[i] for i in sorted(chosen)]


def _set(con, table: str, column: str, rowids: Sequence[int], values: Sequence) -> None:
    """Set `column` of each row to a value, cycling through `values`."""
    for i, rowid in enumerate(rowids):
        con.execute(
            f'update raw.{table} set "{column}" = ? where rowid = ?',
            [values[i % len(values)], rowid],
        )


def _rewrite(con, table: str, column: str, rowids: Sequence[int], expressions: Sequence[str]):
    """Set `column` of each row to a SQL expression over the row, cycling through `expressions`."""
    for i, rowid in enumerate(rowids):
        con.execute(
            f'update raw.{table} set "{column}" = {expressions[i % len(expressions)]} '
            "where rowid = ?",
            [rowid],
        )


def _spoil(
    con,
    rng: np.random.Generator,
    tables: Iterable[str],
    column: str,
    values: Sequence,
    n: int,
    where: str = "true",
    sql: bool = False,
) -> int:
    """In each table, give up to n random rows matching `where` the values (SQL expressions over
    the row when `sql`), cycling; return how many rows changed."""
    changed = 0
    for table in tables:
        rows = _pick(con, rng, table, n, where)
        (_rewrite if sql else _set)(con, table, column, rows, values)
        changed += len(rows)
    return changed


def _as_text(con, table: str, column: str) -> None:
    """Store `column` as text, as a loader that lands every column as VARCHAR does."""
    if _columns(con, table)[column] != "VARCHAR":
        con.execute(f'alter table raw.{table} alter column "{column}" type varchar')


def _clone(con, table: str, rowids: Sequence[int], overrides: dict[str, str]) -> int:
    """Insert a copy of each row with some columns replaced by SQL expressions over the row."""
    if not rowids:
        return 0
    select = ", ".join(overrides.get(column, f'"{column}"') for column in _columns(con, table))
    ids = ", ".join(str(r) for r in rowids)
    con.execute(f"insert into raw.{table} select {select} from raw.{table} where rowid in ({ids})")
    return len(rowids)


def _ensure_opportunities(con, rng: np.random.Generator, n: int) -> None:
    """Small warehouses may hold no opportunity: add open ones on existing CRM accounts."""
    missing = n - con.execute("select count(*) from raw.crm_opportunities").fetchone()[0]
    if missing <= 0:
        return
    accounts = [r[0] for r in con.execute("select id from raw.crm_accounts order by id").fetchall()]
    if not accounts:
        return
    for i in range(missing):
        account = accounts[int(rng.integers(len(accounts)))]
        con.execute(
            """
            insert into raw.crm_opportunities
                (id, account_id, type, lead_source, stage, is_closed, is_won, amount,
                 created_at, closed_at, is_deleted)
            select ?, ?, 'new_business', 'product', 'discovery', false, false, 1200,
                   min(created_at), null, false
            from raw.crm_accounts where id = ?
            """,
            [f"fuzz-opp-{i}", account, account],
        )


def _json_set(column: str, key: str, value: str) -> str:
    """SQL setting `key` of a JSON text column to a text value, keeping the other keys."""
    literal = "'" + value.replace("'", "''") + "'"
    return (
        f"case when json_valid({column}) then "
        f"cast(json_merge_patch({column}, json_object('{key}', {literal})) as varchar) "
        f"else cast(json_object('{key}', {literal}) as varchar) end"
    )


def _iso(expression: str) -> str:
    """SQL writing a timestamp expression as ISO 8601 text in UTC, as CDPs send it."""
    return f"strftime({expression}, '%Y-%m-%dT%H:%M:%SZ')"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# (sign, minutes, how it is written): local time = UTC time shifted by the offset.
OFFSETS = (("+", 330, "+05:30"), ("-", 480, "-08:00"), ("+", 840, "+14:00"), ("+", 0, "+00:00"))


# --- CDP events ------------------------------------------------------------------------------


@mutation("tracks")
def duplicate_message_id_new_payload(con, rng):
    """At-least-once delivery: a message id sent again an hour later with another payload."""
    rows = _pick(con, rng, "tracks", 4, "id is not null")
    _clone(
        con,
        "tracks",
        rows,
        {"properties": """'{"fuzz_copy": true}'""", "received_at": "received_at + interval 1 hour"},
    )
    return f"{len(rows)} tracks sent again with another payload"


@mutation("tracks", "pages")
def exact_duplicate_rows(con, rng):
    """The same row loaded twice (a loader retry), byte for byte."""
    n = sum(_clone(con, t, _pick(con, rng, t, 3), {}) for t in ("tracks", "pages"))
    return f"{n} rows loaded twice"


@mutation("tracks", "identifies", "groups")
def malformed_json(con, rng):
    """Truncated or non-JSON properties and traits."""
    bad = ['{"plan": "pro"', "not json", "[1, 2", '{"a":}', "{'single': 'quotes'}", ""]
    n = _spoil(con, rng, ["tracks"], "properties", bad, 3)
    n += _spoil(con, rng, ("identifies", "groups"), "traits", bad[::-1], 3)
    return f"{n} properties/traits made malformed"


@mutation("tracks", "pages")
def missing_both_ids(con, rng):
    """Neither user_id nor anonymous_id."""
    n = 0
    for table in ("tracks", "pages"):
        rows = _pick(con, rng, table, 3)
        _set(con, table, "user_id", rows, [None])
        _set(con, table, "anonymous_id", rows, [None])
        n += len(rows)
    return f"{n} events without any identity"


@mutation("tracks")
def event_name_case_and_spacing(con, rng):
    """The same event in other case, spacing and separators."""
    variants = [
        "upper(event)",
        "'  ' || lower(event) || '  '",
        "replace(event, ' ', '-')",
        "replace(event, ' ', '   ')",
        "replace(event, ' ', '_')",
        "replace(event, ' ', chr(9))",
    ]
    n = _spoil(con, rng, ["tracks"], "event", variants, 6, "event is not null", sql=True)
    return f"{n} event names respelled"


@mutation("tracks")
def event_name_non_latin(con, rng):
    """Event names in Arabic, with accents, in CJK and Cyrillic, decomposed (NFD) accents."""
    names = [
        "تم إنشاء المشروع",
        "Événement créé",
        "项目已创建",
        "Проект создан",
        "E\u0301ve\u0301nement cre\u0301e\u0301",
        "🚀 Launched",
    ]
    rows = _pick(con, rng, "tracks", len(names))
    _set(con, "tracks", "event", rows, names)
    return f"{len(rows)} event names in other scripts"


@mutation("tracks")
def track_named_page_viewed(con, rng):
    """A track whose event is named like a page view."""
    rows = _pick(con, rng, "tracks", 3)
    _set(con, "tracks", "event", rows, ["Page Viewed", "page_viewed", "Pageview"])
    return f"{len(rows)} tracks named like page views"


@mutation("tracks")
def event_name_blank(con, rng):
    """Event name NULL, empty, blanks or punctuation only."""
    rows = _pick(con, rng, "tracks", 5)
    _set(con, "tracks", "event", rows, [None, "", "   ", "\t", "!!!"])
    return f"{len(rows)} blank event names"


@mutation("tracks", "pages")
def timestamp_with_offset(con, rng):
    """Client times written with a UTC offset instead of Z (the same instant)."""
    n = 0
    for table in ("tracks", "pages"):
        rows = _pick(
            con, rng, table, 4, "try_cast(replace(timestamp, 'Z', '') as timestamp) is not null"
        )
        _rewrite(
            con,
            table,
            "timestamp",
            rows,
            [
                f"strftime(cast(replace(timestamp, 'Z', '') as timestamp) {sign} "
                f"interval {minutes} minute, '%Y-%m-%dT%H:%M:%S') || '{offset}'"
                for sign, minutes, offset in OFFSETS
            ],
        )
        n += len(rows)
    return f"{n} client times written with an offset"


@mutation("tracks")
def timestamp_in_future(con, rng):
    """Client clock skew: event time a year after the load time."""
    rows = _pick(con, rng, "tracks", 3, "received_at is not null")
    _rewrite(con, "tracks", "timestamp", rows, [_iso("received_at + interval 400 day")])
    return f"{len(rows)} event times a year in the future"


@mutation("tracks", "pages", "identifies", "groups")
def timestamp_absurd(con, rng):
    """Event times that are not times: year 1, epoch, infinities, garbage, Feb 30."""
    bad = [
        "0001-01-01T00:00:00Z",
        "epoch",
        "-infinity",
        "infinity",
        "yesterday",
        "not a time",
        "",
        "2026-02-30T10:00:00Z",
        "1e10",
        "1970-01-01T00:00:00Z",
    ]
    n = _spoil(con, rng, EVENT_TABLES, "timestamp", [bad[i] for i in rng.permutation(len(bad))], 3)
    return f"{n} event times that are not times"


@mutation("tracks", "pages", "identifies", "groups")
def received_at_null(con, rng):
    """Rows without a load time."""
    n = _spoil(con, rng, EVENT_TABLES, "received_at", [None], 2)
    return f"{n} rows without received_at"


@mutation("tracks", "identifies")
def received_at_before_1900(con, rng):
    """Load times on or before 1900-01-01 (a loader's zero date)."""
    zero_dates = [dt.datetime(1899, 12, 31), dt.datetime(1900, 1, 1)]
    n = _spoil(con, rng, ("tracks", "identifies"), "received_at", zero_dates, 2)
    return f"{n} rows received before 1900"


@mutation("tracks", phase="first_load")
def received_at_2099(con, rng):
    """A row whose load time is in 2099, in the load before the next one."""
    rows = _pick(con, rng, "tracks", 1, "id is not null")
    _clone(
        con, "tracks", rows, {"id": "'fuzz-2099-' || id", "received_at": "timestamp '2099-01-01'"}
    )
    return f"{len(rows)} track received in 2099"


@mutation("tracks", phase="first_load")
def received_at_in_future(con, rng):
    """A row whose load time is a few days after the run (a loader's clock ahead)."""
    rows = _pick(con, rng, "tracks", 1, "id is not null")
    future = _now() + dt.timedelta(days=3)
    _clone(
        con, "tracks", rows, {"id": "'fuzz-future-' || id", "received_at": f"timestamp '{future}'"}
    )
    return f"{len(rows)} track received at {future} (3 days after now)"


@mutation("tracks", "pages")
def events_days_late(con, rng):
    """Events that reach the warehouse 10 to 20 days after they happened."""
    n = 0
    for table in ("tracks", "pages"):
        rows = _pick(con, rng, table, 4, "received_at is not null")
        days = rng.integers(10, 21, size=len(rows))
        _rewrite(
            con, table, "timestamp", rows, [_iso(f"received_at - interval {d} day") for d in days]
        )
        n += len(rows)
    return f"{n} events received 10-20 days after they happened"


@mutation("tracks", "pages", phase="after_first_build")
def loaded_behind_lookback(con, rng):
    """Rows a loader commits with a load time further behind the last run than the lookback."""
    watermark = con.execute(
        "select max(received_at) from raw.tracks where received_at < now()"
    ).fetchone()[0]
    behind = watermark - dt.timedelta(days=LOOKBACK_DAYS + 4)
    n = 0
    for table in ("tracks", "pages"):
        rows = _pick(con, rng, table, 2, "id is not null")
        n += _clone(
            con,
            table,
            rows,
            {
                "id": "'fuzz-behind-' || id",
                "received_at": f"timestamp '{behind}'",
                "timestamp": _iso(f"timestamp '{behind}'"),
            },
        )
    return f"{n} rows loaded at {behind}, {LOOKBACK_DAYS + 4} days behind the watermark {watermark}"


@mutation("tracks", "pages", "identifies")
def placeholder_user_ids(con, rng):
    """user_id sent as 'null', 'undefined', '0', '-1', 'anonymous', ..."""
    tables = ("tracks", "pages", "identifies")
    n = _spoil(con, rng, tables, "user_id", PLACEHOLDER_IDS, 7, "user_id is not null")
    return f"{n} user ids replaced by placeholders"


@mutation("tracks", "pages", "identifies")
def placeholder_anonymous_ids(con, rng):
    """anonymous_id sent as a placeholder, shared by many people."""
    tables = ("tracks", "pages", "identifies")
    n = _spoil(con, rng, tables, "anonymous_id", PLACEHOLDER_IDS, 14, "anonymous_id is not null")
    return f"{n} anonymous ids replaced by placeholders"


@mutation("tracks", "identifies")
def padded_ids(con, rng):
    """Ids with leading/trailing blanks, tabs and newlines."""
    padded = ["' ' || user_id || chr(9) || chr(10)", "chr(10) || user_id || '  '"]
    n = _spoil(
        con, rng, ("tracks", "identifies"), "user_id", padded, 3, "user_id is not null", sql=True
    )
    return f"{n} user ids padded with blanks"


@mutation("identifies")
def email_variants(con, rng):
    """Emails in upper case, padded, with a trailing dot, and personal mail the same way."""
    variants = [
        "upper(email)",
        "'  ' || email || ' '",
        "email || '.'",
        "split_part(email, '@', 1) || '@GMAIL.COM.'",
        "' ' || split_part(email, '@', 1) || '@gmail.com. '",
        "split_part(email, '@', 1) || '@Outlook.com'",
    ]
    n = _spoil(con, rng, ["identifies"], "email", variants, 6, "email like '%@%'", sql=True)
    return f"{n} emails respelled"


@mutation("groups")
def implausible_group_domains(con, rng):
    """Group traits whose domain is a number, a JSON fragment, a host without a dot, ..."""
    domains = ["42", '{"domain": "x"}', "localhost", "-", "n/a", "gmail.com.", "http://", "."]
    rows = _pick(con, rng, "groups", len(domains))
    _rewrite(con, "groups", "traits", rows, [_json_set("traits", "domain", d) for d in domains])
    return f"{len(rows)} group domains made implausible"


@mutation("groups", "tracks", "pages")
def blank_group_ids(con, rng):
    """Group ids that are blanks, a tab, a newline or empty."""
    blanks = [" ", "\t", "", "\n", " \t "]
    n = _spoil(con, rng, ["groups"], "group_id", blanks, len(blanks))
    n += _spoil(
        con, rng, ("tracks", "pages"), "context_group_id", blanks, 3, "context_group_id is not null"
    )
    return f"{n} blank group ids"


# --- CRM -------------------------------------------------------------------------------------


@mutation("crm_accounts", "crm_contacts", phase="after_first_build")
def crm_deleted_after_sync(con, rng):
    """CRM accounts and contacts soft-deleted after pql synced to them."""
    deleted = []
    for table, sync_sql in (
        ("crm_contacts", "select contact_id from main_marts.sync_salesforce__contacts"),
        ("crm_accounts", "select account_id from main_marts.sync_salesforce__accounts"),
    ):
        synced = [
            r[0] for r in con.execute(f"{sync_sql} where 1 = 1 order by 1").fetchall() if r[0]
        ]
        ids = [synced[i] for i in rng.choice(len(synced), size=min(2, len(synced)), replace=False)]
        for record_id in ids:
            con.execute(f"update raw.{table} set is_deleted = true where id = ?", [record_id])
        deleted += [f"{table}:{i}" for i in ids]
    return f"deleted after sync: {', '.join(deleted) or 'nothing synced'}"


@mutation("crm_accounts", "crm_contacts", "crm_opportunities")
def is_deleted_as_text(con, rng):
    """is_deleted stored as text: 'deleted', 'yes', 'TRUE', '1', 'N', ''."""
    tables = ("crm_accounts", "crm_contacts", "crm_opportunities")
    for table in tables:
        _as_text(con, table, "is_deleted")
    n = _spoil(con, rng, tables, "is_deleted", ["deleted", "yes", "TRUE", "1", "N", ""], 3)
    return f"{n} is_deleted flags written as words"


@mutation("crm_opportunities")
def crm_flags_as_text(con, rng):
    """is_won / is_closed stored as text: 'Y', 'won', 'closed'."""
    _ensure_opportunities(con, rng, 2)
    for column in ("is_won", "is_closed"):
        _as_text(con, "crm_opportunities", column)
    rows = _pick(con, rng, "crm_opportunities", 2)
    _set(con, "crm_opportunities", "is_won", rows, ["Y", "won"])
    _set(con, "crm_opportunities", "is_closed", rows, ["closed", "Yes"])
    return f"{len(rows)} opportunity flags written as words"


@mutation("crm_opportunities")
def amount_as_text(con, rng):
    """Amounts stored as formatted text: '1,000.00', '$49', '€ 1.200,50', 'n/a'."""
    _ensure_opportunities(con, rng, 2)
    _as_text(con, "crm_opportunities", "amount")
    rows = _pick(con, rng, "crm_opportunities", 4)
    _set(con, "crm_opportunities", "amount", rows, ["1,000.00", "$49", "€ 1.200,50", "n/a"])
    return f"{len(rows)} amounts written as formatted text"


@mutation("crm_opportunities", "subscriptions")
def amount_extreme(con, rng):
    """Amounts and MRR of 1e300, NaN, infinity and negative values."""
    _ensure_opportunities(con, rng, 2)
    values = [1e300, float("nan"), float("inf"), -250.0]
    rows = _pick(con, rng, "crm_opportunities", 2)
    _set(con, "crm_opportunities", "amount", rows, values)
    subs = _pick(con, rng, "subscriptions", 4, "plan not in ('free', 'trial')")
    _set(con, "subscriptions", "mrr", subs, values[::-1])
    return f"{len(rows)} amounts and {len(subs)} mrr values made extreme"


@mutation("crm_accounts")
def employees_as_text(con, rng):
    """Employee counts stored as text ranges and words: '50-100', '1k', '10+', ''."""
    _as_text(con, "crm_accounts", "employees")
    rows = _pick(con, rng, "crm_accounts", 4)
    _set(con, "crm_accounts", "employees", rows, ["50-100", "1k", "10+", ""])
    return f"{len(rows)} employee counts written as text"


@mutation("crm_accounts")
def employees_extreme(con, rng):
    """Employee counts of -5, 0 and 2147483647."""
    rows = _pick(con, rng, "crm_accounts", 3)
    _set(con, "crm_accounts", "employees", rows, [-5, 0, 2147483647])
    return f"{len(rows)} employee counts made extreme"


@mutation("crm_opportunities", "subscriptions", "crm_accounts", "crm_contacts", "crm_activities")
def null_record_ids(con, rng):
    """A record of each CRM and billing table without its id."""
    _ensure_opportunities(con, rng, 2)
    n = _spoil(con, rng, OTHER_TABLES, "id", [None], 1)
    return f"{n} records without an id"


@mutation("crm_accounts", "crm_contacts")
def duplicate_crm_ids(con, rng):
    """The same CRM id twice with different content (a sync that appended instead of merging)."""
    n = _clone(
        con, "crm_accounts", _pick(con, rng, "crm_accounts", 1), {"name": "name || ' (copy)'"}
    )
    n += _clone(con, "crm_contacts", _pick(con, rng, "crm_contacts", 1), {"lead_source": "'fuzz'"})
    return f"{n} CRM ids loaded twice"


@mutation("crm_activities")
def unknown_activity_types(con, rng):
    """Activity types outside call/email/meeting."""
    rows = _pick(con, rng, "crm_activities", 4)
    _set(con, "crm_activities", "type", rows, ["sms", "LinkedIn InMail", "CALL", ""])
    return f"{len(rows)} unknown activity types"


@mutation("crm_opportunities")
def unknown_opportunity_values(con, rng):
    """Stages and types outside the documented lists."""
    _ensure_opportunities(con, rng, 2)
    rows = _pick(con, rng, "crm_opportunities", 2)
    _set(con, "crm_opportunities", "stage", rows, ["Negotiation/Review", "Closed Won (legacy)"])
    _set(con, "crm_opportunities", "type", rows, ["partner", "New Business"])
    return f"{len(rows)} opportunities with unknown stage and type"


@mutation("crm_opportunities")
def deal_won_far_future(con, rng):
    """A deal won on 9999-12-31 (a placeholder close date)."""
    _ensure_opportunities(con, rng, 1)
    rows = _pick(con, rng, "crm_opportunities", 1)
    _set(con, "crm_opportunities", "closed_at", rows, [dt.datetime(9999, 12, 31)])
    _set(con, "crm_opportunities", "is_won", rows, [True])
    _set(con, "crm_opportunities", "is_closed", rows, [True])
    return f"{len(rows)} deal won on 9999-12-31"


@mutation("crm_contacts")
def crm_timestamps_as_text(con, rng):
    """CRM dates stored as text that does not parse: month 13, words, zero dates."""
    _as_text(con, "crm_contacts", "mql_at")
    rows = _pick(con, rng, "crm_contacts", 3)
    _set(con, "crm_contacts", "mql_at", rows, ["2026-13-45", "last tuesday", "0000-00-00 00:00:00"])
    return f"{len(rows)} MQL dates that do not parse"


@mutation("crm_accounts", "crm_contacts")
def crm_domain_and_email_variants(con, rng):
    """CRM websites as URLs with www, case and trailing dots; contact emails padded/uppercase."""
    rows = _pick(con, rng, "crm_accounts", 3, "domain is not null")
    variants = [
        "'WWW.' || upper(domain) || '/'",
        "'https://' || domain || '/pricing'",
        "' ' || domain || '. '",
    ]
    _rewrite(con, "crm_accounts", "domain", rows, variants)
    contacts = _pick(con, rng, "crm_contacts", 2, "email is not null")
    _rewrite(con, "crm_contacts", "email", contacts, ["' ' || upper(email) || '. '"])
    return f"{len(rows)} CRM domains and {len(contacts)} contact emails respelled"


@mutation("crm_contacts", "crm_activities", "subscriptions")
def orphan_references(con, rng):
    """References to records that do not exist: contacts, activities and subscriptions."""
    n = 0
    for table, column in (
        ("crm_contacts", "account_id"),
        ("crm_activities", "contact_id"),
        ("subscriptions", "group_id"),
    ):
        rows = _pick(con, rng, table, 1)
        _set(con, table, column, rows, ["fuzz-missing-record"])
        n += len(rows)
    return f"{n} references to missing records"


# --- billing ---------------------------------------------------------------------------------


@mutation("subscriptions")
def unknown_subscription_values(con, rng):
    """Statuses and plans outside the documented lists, in other case and spacing."""
    rows = _pick(con, rng, "subscriptions", 4)
    _set(
        con,
        "subscriptions",
        "status",
        rows,
        ["paused", "incomplete_expired", "PAST_DUE", " active "],
    )
    _set(con, "subscriptions", "plan", rows, ["enterprise_2024", "Pro ", "PRO", "Trial"])
    return f"{len(rows)} subscriptions with unknown status and plan"


@mutation("subscriptions")
def subscription_plan_changes(con, rng):
    """New versions of a paid subscription: an upgrade, then a downgrade a week later."""
    rows = _pick(
        con, rng, "subscriptions", 2, "plan not in ('free', 'trial') and canceled_at is null"
    )
    # mrr is text in the demo's text shape and a number in the typed one: keep its type.
    mrr_type = _columns(con, "subscriptions")["mrr"]
    n = 0
    for plan, factor, days in (("enterprise", 3, 2), ("starter", 0.5, 9)):
        n += _clone(
            con,
            "subscriptions",
            rows,
            {
                "plan": f"'{plan}'",
                "mrr": f"cast(try_cast(mrr as double) * {factor} as {mrr_type})",
                "updated_at": f"updated_at + interval {days} day",
            },
        )
    return f"{n} plan-change versions added"


@mutation("subscriptions")
def subscription_dates_inconsistent(con, rng):
    """Canceled before started, a trial ending in year 1, updated_at NULL."""
    rows = _pick(con, rng, "subscriptions", 3, "started_at is not null")
    _rewrite(con, "subscriptions", "canceled_at", rows[:1], ["started_at - interval 5 day"])
    _set(con, "subscriptions", "trial_ends_at", rows[1:2], [dt.datetime(1, 1, 1)])
    _set(con, "subscriptions", "updated_at", rows[2:3], [None])
    return f"{len(rows)} subscriptions with inconsistent dates"


@mutation(
    "crm_activities",
    "crm_opportunities",
    "crm_contacts",
    "subscriptions",
    phase="after_first_build",
    last=True,
)
def empty_table(con, rng):
    """One optional CRM or billing table reloaded empty between two runs (a failed connector
    sync); after the first build, so the other kinds' rows in it are built once."""
    tables = ("crm_activities", "crm_opportunities", "crm_contacts", "subscriptions")
    table = tables[int(rng.integers(len(tables)))]
    con.execute(f"delete from raw.{table}")
    return f"raw.{table} emptied"


# --- running ---------------------------------------------------------------------------------


def mutation_rng(seed: int, name: str) -> np.random.Generator:
    """The Generator a kind gets: from the run's seed and its own name."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def pick_mutations(
    seed: int,
    count: int | None = None,
    only: Iterable[str] = (),
    known_broken: dict[str, str] | None = None,
) -> list[Mutation]:
    """The kinds one run applies, in a seeded order: `count` of the kinds not known to be broken
    (all of them by default), or exactly the kinds named in `only`."""
    only = list(only)
    unknown = [name for name in only if name not in CATALOGUE]
    if unknown:
        raise ValueError(f"unknown mutation kind(s) {unknown}; known: {sorted(CATALOGUE)}")
    broken = KNOWN_BROKEN if known_broken is None else known_broken
    names = only or [name for name in CATALOGUE if name not in broken]
    order = np.random.default_rng(seed).permutation(len(names))
    chosen = [names[i] for i in order]
    if count is not None:
        chosen = chosen[:count]
    return [CATALOGUE[name] for name in chosen]


def apply_mutations(
    con: duckdb.DuckDBPyConnection, mutations: Iterable[Mutation], seed: int, phase: str
) -> list[str]:
    """Apply the kinds of one phase, in order; one line per kind saying what it changed."""
    log = []
    for m in sorted(mutations, key=lambda m: m.last):
        if m.phase == phase:
            log.append(f"{m.name}: {m.apply(con, mutation_rng(seed, m.name))}")
    return log


# --- reconciliation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    table: str
    raw_rows: int
    clean_rows: int
    rejected_rows: int

    @property
    def balanced(self) -> bool:
        return self.raw_rows == self.clean_rows + self.rejected_rows


# CRM and billing raw tables and their staging models (int_records_rejected lists their
# unusable rows).
RECORD_TABLES = {
    "subscriptions": "stg_billing__subscriptions",
    "crm_accounts": "stg_crm__accounts",
    "crm_contacts": "stg_crm__contacts",
    "crm_opportunities": "stg_crm__opportunities",
    "crm_activities": "stg_crm__activities",
}


def _count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def _events(con, model: str, source: str, column: str = "count(*)") -> int:
    """count(*) (or another aggregate) of one event source's rows of an intermediate model."""
    return _count(
        con,
        f"select coalesce({column}, 0) from main_intermediate.{model} "
        f"where event_source = '{source}'",
    )


def reconcile(con: duckdb.DuckDBPyConnection) -> list[Reconciliation]:
    """Raw rows against clean plus rejected rows, per raw table of a built warehouse.

    Tracks and pages, in two steps: raw = classified (int_event_rows_classified) + listed as
    missed by the lookback (int_event_rows_missed_by_lookback), table "<table>"; classified =
    clean stream (int_events_resolved) + int_events_rejected, table "<table> classified".
    Identifies and groups: their staging rows (staging keeps every row). CRM and billing tables:
    usable staging rows + that table's rows in int_records_rejected.
    """
    result = []
    for table, source in (("tracks", "track"), ("pages", "page")):
        classified = _events(con, "int_event_rows_classified", source)
        result.append(
            Reconciliation(
                table,
                _count(con, f"select count(*) from raw.{table}"),
                classified,
                _events(con, "int_event_rows_missed_by_lookback", source, "sum(missed_row_count)"),
            )
        )
        result.append(
            Reconciliation(
                f"{table} classified",
                classified,
                _events(con, "int_events_resolved", source),
                _events(con, "int_events_rejected", source),
            )
        )
    for table, model in (("identifies", "stg_cdp__identifies"), ("groups", "stg_cdp__groups")):
        result.append(
            Reconciliation(
                table,
                _count(con, f"select count(*) from raw.{table}"),
                _count(con, f"select count(*) from main_staging.{model}"),
                0,
            )
        )
    for table, model in RECORD_TABLES.items():
        result.append(
            Reconciliation(
                table,
                _count(con, f"select count(*) from raw.{table}"),
                _count(con, f"select count(*) from main_staging.{model} where is_usable"),
                _count(
                    con,
                    "select count(*) from main_intermediate.int_records_rejected "
                    f"where raw_table = '{table}'",
                ),
            )
        )
    return result


# CRM record id columns of the sync tables, and the staging model that says whether the record
# is deleted.
SYNCED_CRM_RECORDS = (
    ("sync_salesforce__contacts", "contact_id", "stg_crm__contacts", "crm_contact_id"),
    ("sync_hubspot__contacts", "hubspot_contact_id", "stg_crm__contacts", "crm_contact_id"),
    ("sync_salesforce__accounts", "account_id", "stg_crm__accounts", "crm_account_id"),
    ("sync_hubspot__companies", "hubspot_company_id", "stg_crm__accounts", "crm_account_id"),
)
# Sync actions that tell the tool to stop writing a record; such a row may name a deleted one.
STOP_ACTIONS = ("delete", "clear")


def deleted_records_synced(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(sync table, CRM record id) of every synced row that targets a deleted CRM record with
    anything but a stop action."""
    found = []
    for table, id_column, staging, staging_id in SYNCED_CRM_RECORDS:
        columns = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'main_marts' and table_name = ?",
                [table],
            ).fetchall()
        }
        actions = [c for c in ("record_action", "sync_action") if c in columns]
        keep = " and ".join(
            f"coalesce({c}, '') not in ({', '.join(repr(a) for a in STOP_ACTIONS)})"
            for c in actions
        )
        rows = con.execute(
            f"""
            select distinct synced.{id_column}
            from main_marts.{table} as synced
            inner join main_staging.{staging} as records
                on synced.{id_column} = records.{staging_id}
            where records.is_deleted {"and " + keep if keep else ""}
            order by 1
            """
        ).fetchall()
        found += [(table, r[0]) for r in rows]
    return found


def unreadable_views(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(view, error) for every view of the built warehouse that fails when read in full.

    A build can pass with a staging view that cannot be read: DuckDB only casts the columns a
    query uses, so a bad value in a column no model reads yet fails the first analyst who does.
    """
    views = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'VIEW' "
        "and table_schema not like '%test_failures' order by 1"
    ).fetchall()
    failed = []
    for (view,) in views:
        try:
            con.execute(f"select * from {view}").fetchall()
        except duckdb.Error as error:
            failed.append((view, str(error).splitlines()[0]))
    return failed


# --- treatments ------------------------------------------------------------------------------

EARLIEST_PLAUSIBLE_TIME = "2000-01-01"  # dbt_project.yml pql_earliest_plausible_load_time
# Group domains implausible_group_domains plants that are not domains (gmail.com. is a real,
# personal domain, checked elsewhere).
IMPLAUSIBLE_DOMAINS = ("42", '{"domain": "x"}', "localhost", "-", "n/a", "http://", ".")
# Raw CRM and billing values the kinds plant that no reading can use: (table, column, SQL
# predicate over the value as text, v). Each such row must be rejected with a reason.
UNUSABLE_VALUES = (
    ("crm_accounts", "is_deleted", "lower(v) = 'deleted'"),
    ("crm_contacts", "is_deleted", "lower(v) = 'deleted'"),
    ("crm_opportunities", "is_deleted", "lower(v) = 'deleted'"),
    ("crm_opportunities", "is_won", "lower(v) = 'won'"),
    ("crm_opportunities", "is_closed", "lower(v) = 'closed'"),
    ("crm_opportunities", "amount", "lower(v) in ('€ 1.200,50', 'n/a', '1e+300', 'nan', 'inf')"),
    ("crm_opportunities", "closed_at", "v like '9999-12-31%'"),
    ("crm_accounts", "employees", "v in ('50-100', '1k', '10+')"),
    ("crm_contacts", "mql_at", "v in ('2026-13-45', 'last tuesday', '0000-00-00 00:00:00')"),
    ("subscriptions", "mrr", "lower(v) in ('1e+300', 'nan', 'inf', 'infinity')"),
    ("subscriptions", "trial_ends_at", "v like '0001-01-01%'"),
)


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _bad_records_not_rejected_sql() -> str:
    """Raw rows with a planted unusable value or without an id that int_records_rejected does
    not list (by table and id; rows without an id by count of missing_id rows)."""
    parts = [
        f"""select '{table}' as raw_table, cast(id as varchar) as id, '{column}' as raw_column,
                   v as value
            from (select id, cast("{column}" as varchar) as v from raw.{table}) as raw_rows
            where ({predicate}) and id is not null
              and cast(id as varchar) not in (
                  select record_id from main_intermediate.int_records_rejected
                  where raw_table = '{table}' and rejection_reason is not null
                    and record_id is not null)"""
        for table, column, predicate in UNUSABLE_VALUES
    ]
    parts += [
        f"""select '{table}', null, 'id', cast(count(*) as varchar) || ' rows without an id'
            from raw.{table}
            where nullif(trim(cast(id as varchar)), '') is null
            having count(*) != (
                select count(*) from main_intermediate.int_records_rejected
                where raw_table = '{table}' and rejection_reason = 'missing_id')"""
        for table in RECORD_TABLES
    ]
    return "\nunion all\n".join(parts)


# Treatments the five invariants miss, each a query over a built warehouse returning the
# offending rows (none when the treatment holds).
TREATMENTS: dict[str, str] = {
    "placeholder user ids never in dim_users": f"""
        select user_id from main_marts.dim_users
        where lower(trim(user_id)) in ({_sql_list(p.lower() for p in PLACEHOLDER_IDS)})""",
    "a track named Page Viewed is not a page view in the stream": """
        select event_id, event_source, event_name
        from main_intermediate.int_events_resolved
        where event_source = 'track' and event_name = 'page_viewed'""",
    "implausible group domains are not account domains": f"""
        select account_id, account_domain from main_marts.dim_accounts
        where account_domain in ({_sql_list(IMPLAUSIBLE_DOMAINS)})
           or account_domain not like '%_._%'""",
    "year-1 and epoch event times are rejected": f"""
        select event_id, event_source, occurred_at
        from main_intermediate.int_events_resolved
        where occurred_at < timestamp '{EARLIEST_PLAUSIBLE_TIME}'""",
    "every bad CRM and billing row is rejected with a reason": _bad_records_not_rejected_sql(),
}
