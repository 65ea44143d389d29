"""CRM sync tables on a real build: every current PQL/PQA that can be synced is there with a
reason and an owner, writes are safe, a rebuild or a --full-refresh with no new data changes
nothing and sends no alert, and a record the CRM deleted (or pql no longer writes) gets one
delete row, then nothing, with the upserts equal to a fresh deployment's."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.support import build_from_scratch, query, run_dbt, scalar

SYNC_TABLES = {
    "sync_salesforce__contacts": "contact_id",
    "sync_salesforce__leads": "email",
    "sync_salesforce__accounts": "sync_key",
    "sync_hubspot__contacts": "email",
    "sync_hubspot__companies": "sync_key",
}
STATE_TABLES = [
    *(f"main_marts.{table}" for table in SYNC_TABLES),
    "main_intermediate.int_crm_sync_records_tracked",
]


def snapshot(db) -> dict[str, set]:
    return {table: set(query(db, f"select * from {table}")) for table in STATE_TABLES}


def test_every_current_pql_and_pqa_is_synced_with_a_reason_and_an_owner(built):
    missing_users = scalar(
        built.db,
        """
        select count(*) from main_marts.dim_pql_leads as leads
        left join main_intermediate.int_users_matched_to_crm_contacts as contacts
            on leads.user_id = contacts.user_id
        where leads.is_qualified and leads.email is not null
          and not coalesce(contacts.has_only_deleted_contacts, false)
          and leads.email not in (select email from main_marts.sync_hubspot__contacts)
        """,
    )
    synced_pqls = scalar(
        built.db,
        "select count(*) from main_marts.sync_hubspot__contacts where pql_status = 'qualified'",
    )
    bad_rows = scalar(
        built.db,
        """
        select count(*) from (
            select pql_reason as reason, assigned_owner as owner
            from main_marts.sync_salesforce__contacts where pql_status = 'qualified'
            union all
            select pql_reason, assigned_owner
            from main_marts.sync_salesforce__leads where pql_status = 'qualified'
            union all
            select pqa_reason, assigned_owner
            from main_marts.sync_salesforce__accounts where pqa_status = 'qualified'
        ) as synced
        where coalesce(reason, '') = '' or owner is null
        """,
    )
    assert synced_pqls > 0
    assert missing_users == 0
    assert bad_rows == 0


def test_qualified_accounts_with_a_crm_match_or_work_domain_are_synced(built):
    missing = scalar(
        built.db,
        """
        select count(*)
        from (
            select account_id, crm_account_id, account_domain from main_marts.dim_pqa_accounts
            where is_qualified
            union
            select account_id, crm_account_id, account_domain
            from main_marts.dim_pqa_expansion_accounts where is_qualified
        ) as qualified
        where (crm_account_id is not null
               and 'account:' || crm_account_id
                   not in (select sync_key from main_marts.sync_salesforce__accounts))
           or (crm_account_id is null and account_domain is not null
               and account_domain not in (
                   select email_domain from main_config.personal_email_domains
               )
               and 'domain:' || account_domain
                   not in (select sync_key from main_marts.sync_salesforce__accounts))
        """,
    )
    assert missing == 0


def test_users_with_a_live_contact_write_to_it_not_to_a_lead(built):
    leads_with_contacts = scalar(
        built.db,
        """
        select count(*) from main_marts.sync_salesforce__leads as leads
        inner join main_staging.stg_crm__contacts as contacts
            on leads.email = contacts.email and not contacts.is_deleted
        """,
    )
    contacts = scalar(built.db, "select count(*) from main_marts.sync_salesforce__contacts")
    assert contacts > 0
    assert leads_with_contacts == 0


def test_deleted_crm_records_and_personal_domains_are_never_targeted(built):
    deleted_targets = scalar(
        built.db,
        """
        select count(*) from main_marts.sync_salesforce__contacts as synced
        inner join main_staging.stg_crm__contacts as contacts
            on synced.contact_id = contacts.crm_contact_id
        where contacts.is_deleted
        """,
    ) + scalar(
        built.db,
        """
        select count(*) from main_marts.sync_salesforce__accounts as synced
        inner join main_staging.stg_crm__accounts as accounts
            on synced.account_id = accounts.crm_account_id
        where accounts.is_deleted
        """,
    )
    personal_creates = scalar(
        built.db,
        """
        select count(*) from main_marts.sync_salesforce__accounts
        where record_action = 'create'
          and website in (select email_domain from main_config.personal_email_domains)
        """,
    )
    assert deleted_targets == 0
    assert personal_creates == 0


@pytest.fixture(scope="module")
def full_refreshed(built, tmp_path_factory):
    """The built warehouse after an operator's `dbt build --full-refresh` with no new data."""
    work_dir = tmp_path_factory.mktemp("full_refresh")
    db = work_dir / "pql.duckdb"
    shutil.copy(built.db, db)
    before = snapshot(db)
    run_dbt(["build", "--full-refresh"], db, work_dir)
    return db, before


def test_a_full_refresh_with_no_new_data_restamps_nothing_and_sends_no_alert(full_refreshed):
    db, before = full_refreshed
    after = snapshot(db)
    for table in STATE_TABLES:
        assert after[table] == before[table], table
    assert scalar(db, "select count(*) from main_marts.sync_slack__pql_alerts") == 0


@dataclass(frozen=True)
class CrmChanged:
    db: Path
    keys: dict[str, str]
    previous_run: object
    first: dict[str, set]
    first_alerts: list[tuple]


@pytest.fixture(scope="module")
def crm_changed(built, tmp_path_factory):
    """The built warehouse after the CRM deleted a synced contact and a synced account and a
    synced lead's person got a CRM contact; then `dbt build` twice. Returns the database, the
    keys that were changed, and the state after each of the two builds."""
    work_dir = tmp_path_factory.mktemp("crm_changed")
    db = work_dir / "pql.duckdb"
    shutil.copy(built.db, db)
    contact_id = scalar(
        db,
        "select min(contact_id) from main_marts.sync_salesforce__contacts "
        "where pql_status = 'qualified'",
    )
    account_id = scalar(
        db, "select min(account_id) from main_marts.sync_salesforce__accounts where account_id > ''"
    )
    lead_email = scalar(db, "select min(email) from main_marts.sync_salesforce__leads")
    with duckdb.connect(str(db)) as con:
        con.execute("update raw.crm_contacts set is_deleted = true where id = ?", [contact_id])
        con.execute("update raw.crm_accounts set is_deleted = true where id = ?", [account_id])
        con.execute(
            "insert into raw.crm_contacts (id, email, created_at, is_deleted) "
            "values ('003_converted_lead', ?, timestamp '2000-01-01', false)",
            [lead_email],
        )
    previous_run = scalar(
        db, "select max(last_changed_at) from main_intermediate.int_crm_sync_records_tracked"
    )
    run_dbt(["build"], db, work_dir)
    first = snapshot(db)
    first_alerts = query(db, "select sync_key from main_marts.sync_slack__pql_alerts")
    run_dbt(["build"], db, work_dir)
    keys = {"contact": contact_id, "account": account_id, "lead": lead_email}
    return CrmChanged(db, keys, previous_run, first, first_alerts)


def test_a_record_the_crm_deleted_gets_one_delete_row_with_its_fields_cleared(crm_changed):
    db, keys = crm_changed.db, crm_changed.keys
    contact = query(
        db,
        "select sync_action, delete_reason, pql_status, pql_score, pql_reason, last_changed_at "
        "from main_marts.sync_salesforce__contacts where contact_id = ?",
        [keys["contact"]],
    )
    accounts = query(
        db,
        "select sync_action, delete_reason, record_action, pqa_status, last_changed_at "
        "from main_marts.sync_salesforce__accounts where account_id = ?",
        [keys["account"]],
    )
    companies = query(
        db,
        "select sync_action, delete_reason from main_marts.sync_hubspot__companies "
        "where hubspot_company_id = ?",
        [keys["account"]],
    )
    assert len(contact) == 1 and contact[0][:5] == (
        "delete",
        "crm_record_deleted",
        None,
        None,
        None,
    )
    assert contact[0][5] > crm_changed.previous_run
    assert len(accounts) == 1 and accounts[0][:4] == ("delete", "crm_record_deleted", None, None)
    assert companies == [("delete", "crm_record_deleted")]
    announced = {key for (key,) in crm_changed.first_alerts}
    assert {f"contact:{keys['contact']}", f"account:{keys['account']}"} & announced == set()


def test_a_lead_that_became_a_contact_is_cleared_and_the_contact_written(crm_changed):
    db, keys = crm_changed.db, crm_changed.keys
    lead = query(
        db,
        "select sync_action, delete_reason, pql_status from main_marts.sync_salesforce__leads "
        "where email = ?",
        [keys["lead"]],
    )
    contact = query(
        db,
        "select sync_action from main_marts.sync_salesforce__contacts "
        "where contact_id = '003_converted_lead'",
    )
    hubspot = query(
        db,
        "select sync_action, hubspot_contact_id from main_marts.sync_hubspot__contacts "
        "where email = ?",
        [keys["lead"]],
    )
    assert lead == [("delete", "no_longer_targeted", None)]
    assert contact == [("upsert",)]
    assert hubspot == [("upsert", "003_converted_lead")]


def test_a_delete_is_sent_once_then_a_rebuild_with_no_new_data_changes_nothing(crm_changed):
    assert snapshot(crm_changed.db) == crm_changed.first
    assert scalar(crm_changed.db, "select count(*) from main_marts.sync_slack__pql_alerts") == 0


def test_upserts_after_incremental_runs_equal_a_fresh_deployment(crm_changed, tmp_path_factory):
    """A new deployment on the same raw data (sync state empty, everything built from scratch)
    writes exactly the records the incremental runs still upsert."""
    db = crm_changed.db
    work_dir = tmp_path_factory.mktemp("fresh")
    fresh = work_dir / "pql.duckdb"
    with duckdb.connect(str(fresh)) as con:
        con.execute(f"attach '{db}' as src (read_only)")
        con.execute("create schema raw")
        for (table,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'src' and table_schema = 'raw'"
        ).fetchall():
            con.execute(f"create table raw.{table} as select * from src.raw.{table}")
    build_from_scratch(fresh, work_dir)
    for table in SYNC_TABLES:
        columns = f"select * exclude (last_changed_at) from main_marts.{table}"
        incremental = set(query(db, f"{columns} where sync_action = 'upsert'"))
        assert incremental == set(query(fresh, columns)), table
    assert (
        scalar(
            fresh,
            "select count(*) from main_marts.sync_salesforce__leads where sync_action = 'delete'",
        )
        == 0
    )


def test_the_first_build_announced_the_current_pqls(built):
    alerts = dict(
        query(
            built.db,
            "select alert_type, count(*) from main_marts.sync_slack__pql_alerts group by 1",
        )
    )
    qualified = scalar(
        built.db,
        "select count(*) from main_intermediate.int_crm_sync_records_tracked "
        "where status = 'qualified'",
    )
    assert alerts.get("new_pql", 0) + alerts.get("new_pqa", 0) == qualified > 0
