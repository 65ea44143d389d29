"""The raw input contract (docs/raw_contract.md) and the ground-truth schema, as DuckDB DDL."""

from __future__ import annotations

RAW_SCHEMA = "raw"
TRUTH_SCHEMA = "pql_demo_truth"

# table -> ordered (column, DuckDB type). The dbt staging layer is written against exactly this.
RAW_CONTRACT: dict[str, tuple[tuple[str, str], ...]] = {
    "tracks": (
        ("id", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("event", "VARCHAR"),
        ("timestamp", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("context_group_id", "VARCHAR"),
        ("properties", "VARCHAR"),
    ),
    "pages": (
        ("id", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("timestamp", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("context_group_id", "VARCHAR"),
        ("path", "VARCHAR"),
        ("url", "VARCHAR"),
        ("title", "VARCHAR"),
        ("referrer", "VARCHAR"),
    ),
    "identifies": (
        ("id", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("timestamp", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("email", "VARCHAR"),
        ("traits", "VARCHAR"),
    ),
    "groups": (
        ("id", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("group_id", "VARCHAR"),
        ("timestamp", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("traits", "VARCHAR"),
    ),
    "subscriptions": (
        ("id", "VARCHAR"),
        ("group_id", "VARCHAR"),
        ("plan", "VARCHAR"),
        ("status", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("trial_ends_at", "TIMESTAMP"),
        ("canceled_at", "TIMESTAMP"),
        ("mrr", "VARCHAR"),
        ("updated_at", "TIMESTAMP"),
    ),
    "crm_accounts": (
        ("id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("domain", "VARCHAR"),
        ("owner_email", "VARCHAR"),
        ("industry", "VARCHAR"),
        ("employees", "VARCHAR"),
        ("billing_country", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("is_deleted", "VARCHAR"),
    ),
    "crm_contacts": (
        ("id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("lead_source", "VARCHAR"),
        ("mql_at", "TIMESTAMP"),
        ("created_at", "TIMESTAMP"),
        ("is_deleted", "VARCHAR"),
    ),
    "crm_opportunities": (
        ("id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("lead_source", "VARCHAR"),
        ("stage", "VARCHAR"),
        ("is_closed", "BOOLEAN"),
        ("is_won", "BOOLEAN"),
        ("amount", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("closed_at", "TIMESTAMP"),
        ("is_deleted", "VARCHAR"),
    ),
    "crm_activities": (
        ("id", "VARCHAR"),
        ("contact_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("owner_email", "VARCHAR"),
        ("occurred_at", "TIMESTAMP"),
    ),
}
RAW_TABLES = tuple(RAW_CONTRACT)

# Raw shapes the generator can write (docs/demo_data.md). "text" is RAW_CONTRACT above: client
# timestamps as ISO-8601 text, as some exports write them. "typed" is how Segment and
# RudderStack load a warehouse: every time a TIMESTAMPTZ (uuid_ts a TIMESTAMP), the standard
# extra columns, numbers and booleans typed. Both satisfy raw contract v2 (docs/raw_contract.md).
RAW_SHAPES = ("text", "typed")
_TS = "TIMESTAMPTZ"
_CDP_TIMES = (
    ("timestamp", _TS),
    ("original_timestamp", _TS),
    ("sent_at", _TS),
    ("received_at", _TS),
    ("uuid_ts", "TIMESTAMP"),
)
_CDP_ADDED = {
    "tracks": {"event": (("event_text", "VARCHAR"),)},
    "pages": {
        "context_group_id": (("context_page_path", "VARCHAR"), ("context_page_url", "VARCHAR"))
    },
}
_TYPED_OTHER = {"TIMESTAMP": _TS, "DOUBLE": "DOUBLE", "INTEGER": "BIGINT"}
# Numbers and flags a text export writes as text (so bad values such as '50-100' can occur:
# docs/bad_input.md) are typed in the typed shape.
_TYPED_COLUMN = {
    ("subscriptions", "mrr"): "DECIMAL(12,2)",
    ("crm_accounts", "employees"): "BIGINT",
    ("crm_opportunities", "amount"): "DOUBLE",
    **{(t, "is_deleted"): "BOOLEAN" for t in ("crm_accounts", "crm_contacts", "crm_opportunities")},
}


def _typed_contract() -> dict[str, tuple[tuple[str, str], ...]]:
    typed: dict[str, tuple[tuple[str, str], ...]] = {}
    for table, cols in RAW_CONTRACT.items():
        out: list[tuple[str, str]] = []
        if table in ("tracks", "pages", "identifies", "groups"):
            for col, dtype in cols:
                if col == "timestamp":
                    out.extend(_CDP_TIMES)
                elif col != "received_at":
                    out.append((col, dtype))
                out.extend(_CDP_ADDED.get(table, {}).get(col, ()))
            out.append(("context_library_name", "VARCHAR"))
        else:
            for col, dtype in cols:
                out.append((col, _TYPED_COLUMN.get((table, col), _TYPED_OTHER.get(dtype, dtype))))
        typed[table] = tuple(out)
    return typed


TYPED_RAW_CONTRACT = _typed_contract()


def raw_contract(shape: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The raw tables' (column, DuckDB type) for a raw shape ("text" or "typed")."""
    if shape not in RAW_SHAPES:
        raise ValueError(f"unknown raw shape {shape!r}; expected one of {list(RAW_SHAPES)}")
    return RAW_CONTRACT if shape == "text" else TYPED_RAW_CONTRACT


# Ground truth: not a dbt source; read by tests and docs only.
TRUTH_CONTRACT: dict[str, tuple[tuple[str, str], ...]] = {
    "accounts": (
        ("group_id", "VARCHAR"),
        ("intent_level", "VARCHAR"),
        ("intent", "DOUBLE"),
        ("converted", "BOOLEAN"),
        ("converted_at", "TIMESTAMP"),
        ("first_paid_at", "TIMESTAMP"),
        ("conversion_path", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
        ("domain", "VARCHAR"),
        ("employees", "INTEGER"),
        ("signup_plan", "VARCHAR"),
        ("crm_account_id", "VARCHAR"),
        ("crm_link_method", "VARCHAR"),
    ),
    "users": (
        ("user_id", "VARCHAR"),
        ("group_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("signed_up_at", "TIMESTAMP"),
        ("is_internal", "BOOLEAN"),
        ("is_personal_email", "BOOLEAN"),
        ("workspace_count", "INTEGER"),
    ),
    "memberships": (
        ("user_id", "VARCHAR"),
        ("group_id", "VARCHAR"),
        ("joined_at", "TIMESTAMP"),
        ("is_primary", "BOOLEAN"),
    ),
    # one row per workspace paid period (periods of one workspace never overlap): the first
    # is the self-serve conversion, a later one a reactivation; exact to the millisecond
    "paid_periods": (
        ("group_id", "VARCHAR"),
        ("period_number", "INTEGER"),
        ("paid_started_at", "TIMESTAMP"),
        ("paid_ended_at", "TIMESTAMP"),
    ),
    "anonymous_ids": (
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("first_used_at", "TIMESTAMP"),
    ),
    "bad_input": (
        ("table_name", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("row_count", "BIGINT"),
        ("base_row_count", "BIGINT"),
        ("documented_rate", "DOUBLE"),
    ),
    "run_info": (
        ("key", "VARCHAR"),
        ("value", "VARCHAR"),
    ),
}


def create_table_sql(schema: str, table: str, columns: tuple[tuple[str, str], ...]) -> str:
    cols = ",\n    ".join(f'"{name}" {dtype}' for name, dtype in columns)
    return f"create or replace table {schema}.{table} (\n    {cols}\n)"
