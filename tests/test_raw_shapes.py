"""Raw contract v2: staging reads typed or text raw columns, optional columns and optional tables.

One typed Segment-shape warehouse is built in full and compared with the text shape of the same
seed; one variant (two CRM tables declared absent, columns retyped or dropped) is built in full;
the failure cases run only the staging layer on a copy of the raw tables.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pql_demo import generate
from pql_demo.__main__ import main
from tests.support import RAW_TABLES, build_from_scratch, query, run_dbt, scalar

SIZE = {"accounts": 60, "days": 30, "seed": 11}
STG = "main_staging"
INT = "main_intermediate"
STAGING_OF_RAW = {
    "tracks": "stg_cdp__tracks",
    "pages": "stg_cdp__pages",
    "identifies": "stg_cdp__identifies",
    "groups": "stg_cdp__groups",
    "subscriptions": "stg_billing__subscriptions",
    "crm_accounts": "stg_crm__accounts",
    "crm_contacts": "stg_crm__contacts",
    "crm_opportunities": "stg_crm__opportunities",
    "crm_activities": "stg_crm__activities",
}
ABSENT = ["crm_activities", "crm_opportunities"]
EVENT_TABLES = ("tracks", "pages", "identifies", "groups")


def _generate(path: Path, shape: str) -> Path:
    generate(path, raw_shape=shape, **SIZE)
    return path


def _copy(source: Path, work_dir: Path) -> Path:
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / "pql.duckdb"
    shutil.copyfile(source, db)
    return db


def _vars(absent: list[str]) -> list[str]:
    return ["--vars", json.dumps({"pql_absent_raw_tables": absent})]


def _column_types(db: Path, table: str) -> list[tuple[str, str]]:
    return query(
        db,
        """select column_name, data_type from information_schema.columns
        where table_schema = ? and table_name = ? order by ordinal_position""",
        [STG, table],
    )


@pytest.fixture(scope="module")
def typed_raw(tmp_path_factory) -> Path:
    return _generate(tmp_path_factory.mktemp("typed_raw") / "source.duckdb", "typed")


@pytest.fixture(scope="module")
def typed(tmp_path_factory, typed_raw) -> Path:
    """The typed Segment shape, built in full (every data test and unit test)."""
    work_dir = tmp_path_factory.mktemp("typed_build")
    db = _copy(typed_raw, work_dir)
    build_from_scratch(db, work_dir)
    return db


@pytest.fixture(scope="module")
def text_staging(tmp_path_factory) -> Path:
    """The text shape of the same seed, staging layer only (views)."""
    work_dir = tmp_path_factory.mktemp("text_staging")
    db = _generate(work_dir / "pql.duckdb", "text")
    run_dbt(["seed"], db, work_dir)
    run_dbt(["run", "--select", "staging"], db, work_dir)
    return db


VARIANT_SQL = [
    *(f"drop table raw.{table}" for table in ABSENT),
    # billing: mrr as text, started_at a wall-clock TIMESTAMP, trial end as ISO text, and the
    # optional ended_at present as a DATE
    "alter table raw.subscriptions alter mrr type varchar using cast(mrr as varchar)",
    "alter table raw.subscriptions alter started_at type timestamp"
    " using timezone('UTC', started_at)",
    "alter table raw.subscriptions alter trial_ends_at type varchar"
    " using strftime(timezone('UTC', trial_ends_at), '%Y-%m-%dT%H:%M:%S.%g') || 'Z'",
    "alter table raw.subscriptions add column ended_at date",
    "update raw.subscriptions set ended_at = cast(timezone('UTC', canceled_at) as date)",
    # CRM accounts: flags and sizes as text, one of each unreadable
    "alter table raw.crm_accounts alter is_deleted type varchar"
    " using case when is_deleted then ' Yes' else 'no' end",
    "alter table raw.crm_accounts alter employees type varchar using cast(employees as varchar)",
    "update raw.crm_accounts set is_deleted = 'maybe', employees = 'lots'"
    " where id = (select min(id) from raw.crm_accounts)",
    # CRM contacts: flag as 1/0, created_at a DATE, lead_source missing
    "alter table raw.crm_contacts alter is_deleted type integer using cast(is_deleted as integer)",
    "alter table raw.crm_contacts alter created_at type date"
    " using cast(timezone('UTC', created_at) as date)",
    "alter table raw.crm_contacts drop column lead_source",
    # pages without url and title: url falls back to context_page_url, title is null
    "alter table raw.pages drop column url",
    "alter table raw.pages drop column title",
]


@pytest.fixture(scope="module")
def variant(tmp_path_factory, typed_raw) -> Path:
    """The typed raw tables with two CRM tables dropped (declared absent) and columns retyped
    to text, DATE, integer flags or dropped; built on a fresh target."""
    work_dir = tmp_path_factory.mktemp("variant_build")
    db = _copy(typed_raw, work_dir)
    with duckdb.connect(str(db)) as con:
        for sql in VARIANT_SQL:
            con.execute(sql)
    # one plain `dbt build` (seeds, models, data tests); the unit tests ran in the typed build
    run_dbt(["build", "--exclude-resource-type", "unit_test", *_vars(ABSENT)], db, work_dir)
    return db


# ---- the typed Segment shape ----


def test_generator_writes_typed_segment_columns(typed_raw):
    types = dict(
        query(
            typed_raw,
            """select table_name || '.' || column_name, data_type from information_schema.columns
            where table_schema = 'raw'""",
        )
    )
    for table in EVENT_TABLES:
        for column in ("timestamp", "original_timestamp", "sent_at", "received_at"):
            assert types[f"{table}.{column}"] == "TIMESTAMP WITH TIME ZONE", (table, column)
        assert types[f"{table}.uuid_ts"] == "TIMESTAMP"
        assert types[f"{table}.context_library_name"] == "VARCHAR"
    assert types["tracks.event_text"] == "VARCHAR"
    assert types["pages.context_page_url"] == types["pages.context_page_path"] == "VARCHAR"
    assert types["crm_opportunities.is_won"] == "BOOLEAN"
    assert types["subscriptions.mrr"].startswith("DECIMAL")


def test_raw_shape_cli_flag_and_validation(tmp_path):
    db = tmp_path / "cli.duckdb"
    assert (
        main(["--db", str(db), "--accounts", "3", "--days", "3", "--raw-shape", "typed", "--quiet"])
        == 0
    )
    timestamp_type = "select data_type from information_schema.columns where table_schema = 'raw'"
    timestamp_type += " and table_name = 'tracks' and column_name = 'timestamp'"
    assert scalar(db, timestamp_type) == "TIMESTAMP WITH TIME ZONE"
    with pytest.raises(ValueError, match="unknown raw shape 'json'"):
        generate(tmp_path / "bad.duckdb", accounts=3, days=3, raw_shape="json")


@pytest.mark.parametrize("raw_table", RAW_TABLES)
def test_typed_every_raw_row_reaches_staging(typed, raw_table):
    raw_count = scalar(typed, f"select count(*) from raw.{raw_table}")
    assert raw_count > 0
    assert scalar(typed, f"select count(*) from {STG}.{STAGING_OF_RAW[raw_table]}") == raw_count


def test_typed_events_reconcile(typed):
    raw_rows = scalar(
        typed, "select (select count(*) from raw.tracks) + (select count(*) from raw.pages)"
    )
    clean = scalar(typed, f"select count(*) from {INT}.int_events_resolved")
    rejected = dict(
        query(typed, f"select rejection_reason, count(*) from {INT}.int_events_rejected group by 1")
    )
    assert clean + sum(rejected.values()) == raw_rows
    # a text that does not parse is a null typed timestamp, rejected for the same reason
    assert rejected.get("unparseable_timestamp", 0) > 0
    assert rejected.get("future_timestamp", 0) > 0


@pytest.mark.parametrize("table", EVENT_TABLES)
def test_typed_staging_equals_the_text_parse(typed, text_staging, table):
    """Row for row (message id, then load order), the typed shape gives the same UTC times,
    flags and ids as the text shape parsed by the safe text parsers."""
    model = STAGING_OF_RAW[table]
    numbered = (
        "select *, row_number() over (partition by message_id order by received_at,"
        " occurred_at, timestamp_as_sent) as n from {db}{STG}.{model}"
    )
    with duckdb.connect(str(typed), read_only=True) as con:
        con.execute(f"attach '{text_staging}' as text_db (read_only)")
        total, same_time, same_load, same_flags = con.execute(
            f"""select
                count(*),
                count(*) filter (where t.occurred_at is not distinct from x.occurred_at),
                count(*) filter (where t.received_at = x.received_at),
                count(*) filter (where t.is_timestamp_unparseable = x.is_timestamp_unparseable
                    and t.is_missing_identity = x.is_missing_identity)
            from ({numbered.format(db="", STG=STG, model=model)}) as t
            inner join ({numbered.format(db="text_db.", STG=STG, model=model)}) as x
                using (message_id, n)"""
        ).fetchone()
        text_rows = con.execute(f"select count(*) from text_db.{STG}.{model}").fetchone()[0]
    assert total == text_rows > 0
    assert same_time == same_load == same_flags == total


def test_typed_event_names_come_from_event_text(typed, text_staging):
    """Segment's `event` is a slug; the name as sent is `event_text`, as in the text shape."""
    with duckdb.connect(str(typed), read_only=True) as con:
        con.execute(f"attach '{text_staging}' as text_db (read_only)")
        names = con.execute(
            f"""select event_name, count(*) from {STG}.stg_cdp__tracks group by 1
            except select event_name, count(*) from text_db.{STG}.stg_cdp__tracks group by 1"""
        ).fetchall()
    assert names == []


def test_staging_column_types_do_not_depend_on_the_raw_shape(typed, text_staging):
    for model in STAGING_OF_RAW.values():
        assert _column_types(typed, model) == _column_types(text_staging, model), model


# ---- optional tables and columns, retyped columns ----


@pytest.mark.parametrize("raw_table", ABSENT)
def test_absent_table_stages_zero_rows_with_the_same_columns(variant, typed, raw_table):
    model = STAGING_OF_RAW[raw_table]
    assert scalar(variant, f"select count(*) from {STG}.{model}") == 0
    assert _column_types(variant, model) == _column_types(typed, model)


def test_variant_builds_with_two_crm_tables_absent(variant):
    assert scalar(variant, f"select count(*) from {INT}.int_events_resolved") > 0
    assert scalar(variant, "select count(*) from main_marts.fct_revenue_events") > 0


def _compare(variant: Path, typed: Path, sql: str):
    with duckdb.connect(str(variant), read_only=True) as con:
        con.execute(f"attach '{typed}' as typed_db (read_only)")
        return con.execute(sql).fetchone()


def test_text_date_and_naive_columns_parse_like_typed_ones(variant, typed):
    total, same = _compare(
        variant,
        typed,
        f"""select count(*), count(*) filter (where v.mrr = t.mrr
                and v.started_at = t.started_at
                and v.trial_ends_at is not distinct from t.trial_ends_at
                and v.ended_at is not distinct from cast(cast(t.canceled_at as date) as timestamp))
        from {STG}.stg_billing__subscriptions as v
        inner join typed_db.{STG}.stg_billing__subscriptions as t
            using (subscription_version_id)""",
    )
    # (planted rows without an id have no version id to join on; they are rejected either way)
    assert (
        total
        == scalar(
            typed,
            f"select count(*) from {STG}.stg_billing__subscriptions "
            "where subscription_id is not null",
        )
        > 0
    )
    assert same == total
    assert scalar(variant, f"select count(ended_at) from {STG}.stg_billing__subscriptions") > 0


def test_text_flags_and_sizes_parse_and_bad_text_is_null(variant, typed):
    total, same, unreadable = _compare(
        variant,
        typed,
        f"""select count(*),
            count(*) filter (where v.is_deleted = t.is_deleted
                and v.employee_count is not distinct from t.employee_count),
            count(*) filter (where v.is_deleted = false and v.employee_count is null
                and v.crm_account_id = (select min(id) from raw.crm_accounts))
        from {STG}.stg_crm__accounts as v
        inner join typed_db.{STG}.stg_crm__accounts as t using (crm_account_id)""",
    )
    assert total > 1
    assert unreadable == 1  # 'maybe' is no flag (read as not deleted), 'lots' no number
    assert same >= total - 1
    total, same_flag, null_source, midnight = _compare(
        variant,
        typed,
        f"""select count(*),
            count(*) filter (where v.is_deleted = t.is_deleted),
            count(*) filter (where v.lead_source is null),
            count(*) filter (where v.created_at = date_trunc('day', t.created_at))
        from {STG}.stg_crm__contacts as v
        inner join typed_db.{STG}.stg_crm__contacts as t using (crm_contact_id)""",
    )
    assert total > 0
    assert (
        scalar(typed, f"select count(*) filter (where is_deleted) from {STG}.stg_crm__contacts") > 0
    )
    assert same_flag == null_source == midnight == total


def test_missing_page_url_falls_back_to_context_page_url(variant, typed):
    total, same_url, no_title = _compare(
        variant,
        typed,
        f"""select count(*), count(*) filter (where v.page_url is not distinct from t.page_url),
            count(*) filter (where v.page_title is null)
        from (select distinct message_id, page_url, page_title from {STG}.stg_cdp__pages) as v
        inner join (select distinct message_id, page_url from typed_db.{STG}.stg_cdp__pages) as t
            using (message_id)""",
    )
    assert total > 0
    assert scalar(typed, f"select count(page_url) from {STG}.stg_cdp__pages") > 0
    assert same_url == no_title == total


# ---- failures: named, at the start of the run ----


def _run_on_changed_raw(work_dir: Path, typed_raw: Path, sql: list[str], args: list[str]):
    """Copy the typed raw tables, change them with `sql`, run dbt `args`; the db and output."""
    db = _copy(typed_raw, work_dir)
    with duckdb.connect(str(db)) as con:
        for statement in sql:
            con.execute(statement)
    return db, run_dbt(args, db, work_dir, check=False)


def test_missing_table_not_declared_absent_fails_at_run_start(tmp_path, typed_raw):
    db, output = _run_on_changed_raw(
        tmp_path, typed_raw, ["drop table raw.crm_activities"], ["run", "--select", "staging"]
    )
    assert "raw table 'crm_activities'" in output
    assert "schema 'raw'" in output
    assert "pql_absent_raw_tables" in output
    assert "on-run-start" in output
    staged = "select count(*) from information_schema.tables where table_schema = ?"
    assert scalar(db, staged, [STG]) == 0  # failed before any model ran


def test_required_column_missing_fails_naming_table_and_column(tmp_path, typed_raw):
    _, output = _run_on_changed_raw(
        tmp_path,
        typed_raw,
        ["alter table raw.tracks drop column received_at"],
        ["run", "--select", "stg_cdp__tracks"],
    )
    assert "raw table cdp.tracks" in output
    assert "required column 'received_at' is missing" in output


@pytest.mark.parametrize(
    ("absent", "message"),
    [
        (["tracks"], '= ["tracks"]: expected a list of distinct non-empty strings among'),
        (["crm_activities", "crm_notes"], '"crm_notes"]: expected a list of distinct'),
    ],
)
def test_absent_tables_var_is_validated(tmp_path, typed_raw, absent, message):
    args = ["run", "--select", "stg_crm__activities", *_vars(absent)]
    _, output = _run_on_changed_raw(tmp_path, typed_raw, [], args)
    assert "var pql_absent_raw_tables" in output
    assert message in output
