"""CRM sync tables on a real build: every current PQL/PQA that can be synced is there with a
reason and an owner, writes are safe, and a rebuild with no new data changes nothing."""

from __future__ import annotations

import shutil

import pytest

from tests.support import query, run_dbt, scalar

SYNC_TABLES = {
    "sync_salesforce__contacts": "contact_id",
    "sync_salesforce__leads": "email",
    "sync_salesforce__accounts": "sync_key",
    "sync_hubspot__contacts": "email",
    "sync_hubspot__companies": "sync_key",
}


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
def rebuilt(built, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("rebuild")
    db = work_dir / "pql.duckdb"
    shutil.copy(built.db, db)
    before = {table: set(query(db, f"select * from main_marts.{table}")) for table in SYNC_TABLES}
    run_dbt(["build"], db, work_dir)
    return db, before


def test_a_rebuild_with_no_new_data_changes_nothing(rebuilt):
    db, before = rebuilt
    for table in SYNC_TABLES:
        assert set(query(db, f"select * from main_marts.{table}")) == before[table], table
    assert scalar(db, "select count(*) from main_marts.sync_slack__pql_alerts") == 0


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
