"""Config health (models/marts/health/rpt_config_health.sql): the warn-severity data test is
wired as documented, and on the demo warehouse the shipped configuration is healthy, so a
warning in a user's build is about their data. The misspelt-name case itself is the dbt unit
test test_config_health_warns_on_a_misspelled_event_name, which the session build runs."""

from __future__ import annotations

import json

from tests.support import query

WARN_TEST = "test.pql.assert_configured_names_occur_in_the_data"


def test_config_health_test_warns_and_stores_its_rows(built):
    manifest = json.loads(built.manifest_path.read_text())
    node = manifest["nodes"][WARN_TEST]
    assert node["config"]["severity"].lower() == "warn"
    assert node["config"]["store_failures"] is True
    assert "model.pql.rpt_config_health" in node["depends_on"]["nodes"]
    unit_test = (
        "unit_test.pql.rpt_config_health.test_config_health_warns_on_a_misspelled_event_name"
    )
    assert unit_test in manifest["unit_tests"]
    assert "test_config_health_warns_on_a_misspelled_event_name" in built.dbt_output


def test_shipped_configuration_is_healthy_on_the_demo_warehouse(built):
    rows = query(
        built.db,
        "select check_type, status, count(*) from main_marts.rpt_config_health "
        "group by check_type, status order by check_type, status",
    )
    checked = {check_type for check_type, _, _ in rows}
    assert checked == {
        "definition",
        "event_name",
        "milestone_event_name",
        "page_host",
        "page_path_prefix",
        "signal",
    }
    assert {status for _, status, _ in rows} == {"ok"}
    assert "config health:" not in built.dbt_output
    assert "assert_configured_names_occur_in_the_data" in built.dbt_output


def test_first_build_is_plain_dbt_build(built):
    """The session build is `dbt build` on a target holding only the raw tables; the unit tests
    of the incremental models (which mock `this`) ran in it and passed."""
    lines = built.dbt_output.splitlines()
    for unit_test in (
        "int_event_rows_classified::test_late_duplicate_is_judged_against_rows_already_loaded",
        "int_events_resolved::test_stream_restitches_loaded_events_on_a_late_identify",
    ):
        assert any(unit_test in line and "PASS" in line for line in lines), unit_test
