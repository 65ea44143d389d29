"""DuckDB side: DDL, and the SQL that turns numeric frames into the text the clients "sent".

Frames arrive as Arrow tables with numeric codes plus looked-up strings; one `insert ... select`
per chunk formats timestamps, message ids, event-name spellings and JSON in the engine (fast
and multi-threaded). The select is a pure projection, so row order is the frame's order.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from pql_demo import config as c
from pql_demo.contract import (
    RAW_SCHEMA,
    TRUTH_CONTRACT,
    TRUTH_SCHEMA,
    create_table_sql,
    raw_contract,
)
from pql_demo.dirty import FMT_GARBAGE, FMT_ISO_Z, FMT_OFFSET, FMT_SPACE, JSON_NULL


def q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(values) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def pick(values, code: str) -> str:
    """SQL: the element of a constant list chosen by an integer code (taken modulo its length)."""
    return f"{sql_list(values)}[({code}) % {len(values)} + 1]"


FRAME = "_pql_demo_frame"
ISO_Z = "%Y-%m-%dT%H:%M:%S.%gZ"

TIMESTAMP_SQL = f"""case fmt
        when {FMT_ISO_Z} then strftime(epoch_ms(client_ms), '{ISO_Z}')
        when {FMT_SPACE} then strftime(epoch_ms(client_ms), '%Y-%m-%d %H:%M:%S')
        when {FMT_OFFSET} then strftime(epoch_ms(client_ms + off * 60000), '%Y-%m-%dT%H:%M:%S')
            || case when off < 0 then '-' else '+' end
            || lpad(cast(abs(off) // 60 as varchar), 2, '0') || ':'
            || lpad(cast(abs(off) % 60 as varchar), 2, '0')
        else {pick(c.UNPARSEABLE_TIMESTAMPS, "garb")}
    end"""


def utc_sql(ms: str) -> str:
    """SQL: epoch milliseconds as a TIMESTAMPTZ (the instant, whatever the session time zone)."""
    return f"timezone('UTC', epoch_ms({ms}))"


# Typed shape: the instant the text shape's timestamp denotes (its space and offset formats
# carry whole seconds); a text that does not parse is a null, as no typed column can hold it.
TYPED_TIMESTAMP_SQL = f"""case fmt
        when {FMT_GARBAGE} then null
        when {FMT_ISO_Z} then {utc_sql("client_ms")}
        else {utc_sql("client_ms // 1000 * 1000")}
    end"""
LIBRARIES = ("analytics.js", "analytics-node", "analytics-python", "rudder-sdk-js")


def _typed_common() -> dict[str, str]:
    """The standard extra columns a CDP loader writes (typed shape)."""
    return {
        "timestamp": TYPED_TIMESTAMP_SQL,
        "original_timestamp": TYPED_TIMESTAMP_SQL,
        "sent_at": utc_sql("client_ms + key % 2000"),
        "received_at": utc_sql("recv_ms"),
        "uuid_ts": "epoch_ms(recv_ms + 60000 + key % 600000)",
        "context_library_name": pick(LIBRARIES, "key"),
    }


def message_id_sql(salt: str) -> str:
    h = f"md5({q(salt)} || cast(key as varchar))"
    return (
        f"substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' "
        f"|| substr({h}, 17, 4) || '-' || substr({h}, 21, 12)"
    )


def malformed_sql(js: str) -> str:
    return f"""case jvar
        when 0 then {js}
        when 1 then left({js}, length({js}) - 1 - cast(key % 7 as integer))
        when 2 then replace({js}, '"', '''')
        when 3 then '[object Object]'
        when {JSON_NULL} then null
    end"""


def _hex_id(prefix: str, col: str) -> str:
    return f"'{prefix}' || printf('%08x', {col})"


def json_object_sql(*fields: tuple[str, str, str]) -> str:
    """SQL building a JSON object from (key, kind, expression); kind is 'str' (quoted), 'num'
    or 'opt' (quoted string, key left out when the expression is null). Values are generated
    vocabulary and ids, none of which needs escaping."""
    parts = []
    for i, (key, kind, expr) in enumerate(fields):
        sep = ", " if i else ""
        if kind == "num":
            parts.append(f"""'{sep}"{key}": ' || cast({expr} as varchar)""")
        elif kind == "str":
            parts.append(f"""'{sep}"{key}": "' || {expr} || '"'""")
        else:
            parts.append(f"""coalesce('{sep}"{key}": "' || {expr} || '"', '')""")
    return "'{' || " + " || ".join(parts) + " || '}'"


def _props_sql() -> str:
    project = ("project_id", "str", _hex_id("prj_", "pint"))
    props = {
        "Project Created": (project, ("template", "str", pick(c.TEMPLATES, "pcat"))),
        "Integration Connected": (("integration", "str", pick(c.INTEGRATIONS, "pcat")),),
        "Report Shared": (
            ("report_id", "str", _hex_id("rpt_", "pint")),
            ("channel", "str", pick(c.SHARE_CHANNELS, "pcat")),
        ),
        "Teammate Invited": (
            ("invitee_email", "str", "invitee_email"),
            ("role", "str", pick(c.ROLES, "pcat")),
        ),
        "Invite Accepted": (("role", "str", pick(c.ROLES, "pcat")),),
        "Onboarding Completed": (
            ("steps_completed", "num", "3 + pint % 4"),
            ("duration_minutes", "num", "5 + pint % 120"),
        ),
        "Dashboard Viewed": (
            ("dashboard", "str", pick(c.DASHBOARDS, "pcat")),
            ("feature", "str", "'dashboards'"),
        ),
        "Settings Opened": (("section", "str", pick(c.SETTINGS_SECTIONS, "pcat")),),
        "Notification Clicked": (("channel", "str", pick(c.NOTIFICATION_CHANNELS, "pcat")),),
        "Help Article Opened": (("article", "str", pick(c.HELP_ARTICLES, "pcat")),),
        "Project Viewed": (project, ("feature", "str", "'projects'")),
        "Search Performed": (
            ("query_length", "num", "1 + pint % 40"),
            ("feature", "str", "'search'"),
        ),
        "File Uploaded": (
            ("file_type", "str", pick(c.FILE_TYPES, "pcat")),
            ("size_kb", "num", "1 + pint % 20000"),
            ("feature", "str", "'files'"),
        ),
        "Signed Up": (("signup_source", "str", pick(c.SIGNUP_SOURCES, "pcat")),),
        # the generator writes the minutes into pint for this event
        "Video Watched": (
            ("minutes_watched", "num", "pint"),
            ("feature", "str", "'videos'"),
        ),
        "Heartbeat Sent": (("client", "str", "'desktop'"),),
    }
    assert set(props) == set(c.EVENT_CODE)
    whens = "\n            ".join(
        f"when {c.EVENT_CODE[name]} then {json_object_sql(*fields)}"
        for name, fields in props.items()
    )
    return f"case ev\n            {whens}\n        end"


def _event_name_sql() -> str:
    name = pick([n for n, _ in c.EVENTS], "ev")
    return f"""case var
        when 0 then {name}
        when 1 then lower(replace({name}, ' ', '_'))
        when 2 then ' ' || lower(replace({name}, ' ', '  ')) || ' '
        when 3 then upper({name})
        when 4 then replace({name}, ' ', '')
        when 5 then lower(replace({name}, ' ', '-'))
        else lower({name})
    end"""


def _page_sql() -> dict[str, str]:
    paths = [p for p, _, _ in c.PAGES]
    titles = [t for _, t, _ in c.PAGES]
    app = "[" + ", ".join("true" if a else "false" for _, _, a in c.PAGES) + "]"
    reports = c.PAGE_CODE["/app/reports/{id}"]
    path = (
        f"replace({pick(paths, 'page')}, '{{id}}', "
        f"case when page = {reports} then 'rpt_' else 'prj_' end || printf('%08x', pid))"
    )
    host = f"case when {app}[page + 1] then {q(c.APP_HOST)} else {q(c.MARKETING_HOST)} end"
    utm = (
        "case utm when 1 then '?utm_source=google&utm_medium=cpc&utm_campaign=brand' "
        "when 2 then '?utm_source=newsletter&utm_medium=email' else '' end"
    )
    referrer = (
        f"case when ref >= 0 then {pick(c.REFERRERS, 'ref')} "
        f"when ref = -2 then {q(c.APP_HOST + '/app/home')} end"
    )
    return {
        "path": path,
        "url": f"{host} || {path} || {utm}",
        "title": pick(titles, "page"),
        "referrer": referrer,
    }


def select_sql(table: str, salt: str, shape: str = "text") -> str:
    """The projection from a registered Arrow frame to the contract columns of `table` in the
    raw shape `shape` (see contract.raw_contract)."""
    contract = raw_contract(shape)
    mid = message_id_sql(f"{salt}:{table}:")
    common = {
        "id": mid,
        "anonymous_id": "anonymous_id",
        "user_id": "user_id",
        "timestamp": TIMESTAMP_SQL,
        "received_at": "cast(epoch_ms(recv_ms) as timestamp)",
    }
    if table == "tracks":
        exprs = common | {
            "event": _event_name_sql(),
            "context_group_id": "group_id",
            "properties": malformed_sql(f"({_props_sql()})"),
        }
    elif table == "pages":
        exprs = common | {"context_group_id": "group_id"} | _page_sql()
    elif table == "identifies":
        traits = json_object_sql(
            ("name", "str", "full_name"),
            ("title", "str", "title"),
            ("created_at", "str", f"strftime(epoch_ms(created_ms), '{ISO_Z}')"),
            ("signup_source", "str", "signup_source"),
            ("persona", "str", "persona"),
        )
        exprs = common | {"email": "email", "traits": malformed_sql(f"({traits})")}
    elif table == "groups":
        traits = json_object_sql(
            ("name", "str", "name"),
            ("domain", "str", "domain"),
            ("plan", "str", "plan"),
            ("employees", "num", "employees"),
            ("industry", "str", "industry"),
            ("country", "str", "country"),
            ("crm_account_id", "opt", "crm_account_id"),
        )
        exprs = common | {"group_id": "group_id", "traits": malformed_sql(f"({traits})")}
    else:
        exprs = {}
        for col, dtype in contract[table]:
            value = f'cast("{col}" as {dtype})'
            if dtype == "TIMESTAMPTZ":  # frames hold UTC wall-clock times
                value = f"timezone('UTC', cast(\"{col}\" as timestamp))"
            exprs[col] = value
    if shape == "typed" and table in ("tracks", "pages", "identifies", "groups"):
        exprs |= _typed_common()
        if table == "tracks":
            # Segment: `event` is a slug of the name, `event_text` the name as sent.
            exprs["event_text"] = exprs["event"]
            slug = f"regexp_replace(lower(trim({exprs['event']})), '[^a-z0-9]+', '_', 'g')"
            exprs["event"] = f"nullif({slug}, '')"
        if table == "pages":
            exprs["context_page_path"] = exprs["path"]
            exprs["context_page_url"] = exprs["url"]
    cols = [col for col, _ in contract[table]]
    body = ",\n    ".join(f'{exprs[col]} as "{col}"' for col in cols)
    return f"select\n    {body}\nfrom {FRAME}"


def create_schemas(con: duckdb.DuckDBPyConnection, shape: str = "text") -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {TRUTH_SCHEMA}")
    for table, cols in raw_contract(shape).items():
        con.execute(create_table_sql(RAW_SCHEMA, table, cols))
    for table, cols in TRUTH_CONTRACT.items():
        con.execute(create_table_sql(TRUTH_SCHEMA, table, cols))


def insert(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, arrow: pa.Table, sql: str
) -> None:
    """Insert `sql` (a select from the frame registered as FRAME) into schema.table."""
    con.register(FRAME, arrow)
    try:
        con.execute(f"insert into {schema}.{table} {sql}")
    finally:
        con.unregister(FRAME)


def strings(values: list[str] | pa.Array, idx: np.ndarray) -> pa.Array:
    """values[idx] as an Arrow string array, null where idx < 0."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
    idx = np.asarray(idx, dtype=np.int64)
    return arr.take(pa.array(np.maximum(idx, 0), mask=idx < 0))


def times_ms(t0_ms: int, days_values: list) -> pa.Array:
    """Float days since the window start (None = null) as an Arrow timestamp[ms] array."""
    out = [None if v is None else t0_ms + int(round(v * 86_400_000)) for v in days_values]
    return pa.array(out, type=pa.timestamp("ms"))
