"""The README's CRM field mapping is the one generated from the sync models' column meta
(pql_tools/crm_mapping.py), and the meta says what it must: every CRM-written column of the
Salesforce and HubSpot sync models names its field, and personal data is tagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from pql_tools import crm_mapping


def test_readme_table_equals_the_generated_one():
    assert crm_mapping.readme_table() == crm_mapping.markdown_table(), (
        "README.md's CRM mapping is out of date: python -m pql_tools.crm_mapping --write"
    )


def test_every_synced_pql_field_and_personal_column_is_in_the_meta():
    columns = {(m, c["name"]): c for m, c in crm_mapping.sync_columns()}
    rows = {(m.strip("`"), c.strip("`")): rest for m, c, *rest in crm_mapping.mapping_rows()}
    crm_models = {m for m, _ in columns if m.startswith(("sync_salesforce__", "sync_hubspot__"))}
    assert len(crm_models) == 5
    for model in crm_models:
        for column in ("status", "score", "tier", "reason", "qualified_at", "definition"):
            prefix = "pqa" if model.endswith(("accounts", "companies")) else "pql"
            assert (model, f"{prefix}_{column}") in rows, (model, column)
    personal = {key for key, (_, _, pii) in rows.items() if pii == "yes"}
    assert ("sync_salesforce__leads", "email") in personal
    assert ("sync_hubspot__contacts", "full_name") in personal
    assert ("sync_slack__pql_alerts", "assigned_owner") in personal
    assert ("sync_salesforce__accounts", "website") not in personal


def test_a_field_without_its_type_or_a_text_pii_flag_fails_naming_model_and_column(tmp_path):
    bad = tmp_path / "_sync__models.yml"
    bad.write_text(
        "models:\n  - name: sync_hubspot__contacts\n    columns:\n"
        "      - name: pql_tier\n        config:\n          meta: {hubspot_property: pql_tier}\n"
    )
    with pytest.raises(ValueError, match="sync_hubspot__contacts, column pql_tier.*hubspot_type"):
        crm_mapping.markdown_table(Path(tmp_path))
    bad.write_text(
        "models:\n  - name: sync_slack__pql_alerts\n    columns:\n"
        "      - name: record_name\n        config:\n          meta: {pii: 'yes'}\n"
    )
    with pytest.raises(ValueError, match="record_name: meta pii must be true or false"):
        crm_mapping.markdown_table(Path(tmp_path))
