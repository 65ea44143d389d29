"""Bad CRM and billing values (docs/bad_input.md, "Data"): staging never crashes on a value,
unusable rows are kept out of the facts with a reason in int_records_rejected, money text is
read, unknown categories become 'other' with a warning, and raw = usable + rejected per table."""

from __future__ import annotations

import duckdb
import pytest

from tests.support import RAW_OTHER_TABLES, run_dbt, scalar

STG = "main_staging"
INT = "main_intermediate"
STAGING_OF = {
    "subscriptions": ("stg_billing__subscriptions", "subscription_id"),
    "crm_accounts": ("stg_crm__accounts", "crm_account_id"),
    "crm_contacts": ("stg_crm__contacts", "crm_contact_id"),
    "crm_opportunities": ("stg_crm__opportunities", "crm_opportunity_id"),
    "crm_activities": ("stg_crm__activities", "crm_activity_id"),
}

# (raw table, id of the planted row, column, value as sent); the id of the copy is the first
# row's id + the suffix, so each planted row is a new row and the clean rows are unchanged.
PLANTED = [
    ("subscriptions", "-huge", "mrr", "1e300", "unparseable_number"),
    ("subscriptions", "-nan", "mrr", "NaN", "unparseable_number"),
    ("subscriptions", "-inf", "mrr", "Infinity", "unparseable_number"),
    ("crm_accounts", "-range", "employees", "50-100", "unparseable_number"),
    ("crm_accounts", "-deleted", "is_deleted", "deleted", "unparseable_flag"),
    ("crm_opportunities", "-decimal-comma", "amount", "1.000,00", "unparseable_number"),
    ("crm_opportunities", "-9999", "closed_at", "9999-12-31", "implausible_date"),
    ("crm_opportunities", "-1999", "closed_at", "1999-12-31", "implausible_date"),
    ("crm_activities", "-garbage-time", "occurred_at", "not a date", "unparseable_timestamp"),
]
MONEY = [("-thousands", "1,000.00", 1000), ("-dollar", "$49", 49), ("-euro", "€ 49.50", 49.5)]


@pytest.fixture(scope="module")
def dirty(tmp_path_factory, small_raw):
    """The small raw warehouse plus one planted row per bad value class (copies of real rows),
    CRM times as text; built through the staging, quality and revenue models and their tests."""
    work_dir = tmp_path_factory.mktemp("bad_records")
    db = work_dir / "pql.duckdb"
    db.write_bytes(small_raw.read_bytes())
    with duckdb.connect(str(db)) as con:
        firsts = {t: con.execute(f"select min(id) from raw.{t}").fetchone()[0] for t in STAGING_OF}
        for table in ("crm_opportunities", "crm_activities"):
            for column in ("closed_at",) if table == "crm_opportunities" else ("occurred_at",):
                con.execute(f"alter table raw.{table} alter {column} type varchar")
        for table, suffix, column, value, _ in PLANTED:
            copy_row(con, table, suffix, {column: value} | won(table))
        for suffix, value, _ in MONEY:
            copy_row(con, "crm_opportunities", suffix, {"amount": value})
        copy_row(con, "subscriptions", "", {"id": None})
        copy_row(con, "crm_opportunities", "", {"id": "  "})
        copy_row(con, "crm_activities", "-unknown", {"type": "LinkedIn Message"})
        copy_row(con, "crm_opportunities", "-unknown", {"type": "upsell", "amount": None})
    output = run_dbt(
        ["build", "--select", "+int_records_rejected+", "+int_revenue_events",
         "+assert_categorical_values_known", "--exclude-resource-type", "unit_test",
         "--indirect-selection", "cautious"],
        db, work_dir,
    )  # fmt: skip
    return db, output, firsts


def won(table: str) -> dict:
    return {"is_won": "true", "is_closed": "true"} if table == "crm_opportunities" else {}


def copy_row(con, table: str, suffix: str, values: dict) -> None:
    """Insert a copy of the table's first row with a new id (id || suffix) and `values` set."""
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchall()
    )
    columns = ", ".join(f'"{c}"' for c in types)
    con.execute(
        f"insert into raw.{table} ({columns}) select {columns} from raw.{table} order by id limit 1"
    )
    first = con.execute(f"select min(id) from raw.{table}").fetchone()[0]
    sets = {"id": f"{first}{suffix}"} | values
    assignments = ", ".join(f'"{c}" = ?' for c in sets)
    # the copy is the second row with the first id: rowid picks it
    con.execute(
        f"update raw.{table} set {assignments} where rowid = "
        f"(select max(rowid) from raw.{table} where id = ?)",
        [*(None if v is None else str(v) for v in sets.values()), first],
    )


@pytest.mark.parametrize(("table", "suffix", "column", "value", "reason"), PLANTED)
def test_each_bad_value_is_rejected_with_its_reason(dirty, table, suffix, column, value, reason):
    db, _, firsts = dirty
    first = firsts[table]
    row = scalar(
        db,
        f"""select rejection_reason || '|' || rejected_column || '|' || rejected_value
        from {INT}.int_records_rejected where raw_table = '{table}' and record_id = ?""",
        [first + suffix],
    )
    assert row == f"{reason}|{column}|{value}"


def test_null_and_blank_ids_are_rejected_with_a_content_key(dirty):
    db, _, _ = dirty
    rows = scalar(
        db,
        f"""select count(*) from {INT}.int_records_rejected
        where rejection_reason = 'missing_id' and record_id is null
            and record_key like 'content:%'
            and raw_table in ('subscriptions', 'crm_opportunities')""",
    )
    assert rows >= 2


@pytest.mark.parametrize(("suffix", "value", "number"), MONEY)
def test_money_text_is_read_as_its_number(dirty, suffix, value, number):
    db, _, firsts = dirty
    first = firsts["crm_opportunities"]
    amount = scalar(
        db,
        f"select amount from {STG}.stg_crm__opportunities where crm_opportunity_id = ?",
        [first + suffix],
    )
    assert amount == pytest.approx(number)


def test_rejected_rows_never_reach_revenue_events(dirty):
    db, _, firsts = dirty
    first = firsts["crm_opportunities"]
    leaked = scalar(
        db,
        f"select count(*) from {INT}.int_revenue_events where source_id in (?, ?)",
        [first + "-9999", first + "-1999"],
    )
    assert leaked == 0


def test_unknown_categories_are_other_with_a_warning(dirty):
    db, output, _ = dirty
    assert scalar(
        db,
        f"select activity_type from {STG}.stg_crm__activities "
        "where crm_activity_id like '%-unknown'",
    ) == "other"  # fmt: skip
    assert scalar(
        db,
        f"select opportunity_type from {STG}.stg_crm__opportunities "
        "where crm_opportunity_id like '%-unknown'",
    ) == "other"  # fmt: skip
    assert "WARN" in output and "assert_categorical_values_known" in output
    assert "ERROR=0" in output


@pytest.mark.parametrize("raw_table", RAW_OTHER_TABLES)
def test_dirty_raw_rows_reconcile(dirty, raw_table):
    assert_reconciles(dirty[0], raw_table)


@pytest.mark.parametrize("raw_table", RAW_OTHER_TABLES)
def test_built_raw_rows_reconcile(built, raw_table):
    assert_reconciles(built.db, raw_table)


def assert_reconciles(db, raw_table: str) -> None:
    model, _ = STAGING_OF[raw_table]
    raw = scalar(db, f"select count(*) from raw.{raw_table}")
    usable = scalar(db, f"select count(*) from {STG}.{model} where is_usable")
    rejected = scalar(
        db, f"select count(*) from {INT}.int_records_rejected where raw_table = ?", [raw_table]
    )
    assert raw > 0
    assert (raw_table, raw) == (raw_table, usable + rejected), (usable, rejected)
