"""Vars are checked once, at the start of the run (on-run-start `validate_vars`, rendered by every
dbt command including `dbt parse`): every var in dbt_project.yml has a rule and a row in
docs/vars.md, legal overrides pass, and each class of bad value fails naming the var, the value
and what it accepts. Each case is one `dbt parse` (or one tiny `dbt run`), never a build."""

from __future__ import annotations

import json
import re

import yaml

from tests.support import REPO_ROOT, run_dbt

RULES = REPO_ROOT / "macros" / "vars" / "pql_var_rules.sql"


def project_vars() -> dict:
    return yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]


def parse(vars_: dict, tmp_path, check: bool = False) -> str:
    return run_dbt(
        ["parse", "--vars", json.dumps(vars_)], tmp_path / "unused.duckdb", tmp_path, check=check
    )


def test_every_project_var_has_one_rule_and_a_docs_row():
    ruled = re.findall(r"\{'name': '(\w+)'", RULES.read_text())
    documented = re.findall(r"^\| `(\w+)` \|", (REPO_ROOT / "docs" / "vars.md").read_text(), re.M)
    assert sorted(ruled) == sorted(set(ruled)), "a var has two rules"
    assert set(ruled) == set(project_vars())
    assert set(documented) == set(project_vars())


def test_defaults_and_legal_overrides_pass(tmp_path):
    """Every var not overridden here keeps its dbt_project.yml default, so the defaults pass too."""
    parse(
        {
            "pql_override_crm_owner": True,
            "pql_raw_database": "my-project-123",
            "pql_raw_schema": "segment_prod",
            "pql_usage_windows": [7, 28],
            "pql_active_seat_days": 28,
            "pql_signal_decay_weight": 1,
            "pql_confidence_z": 2.58,
            "pql_invite_sent_event": "équipe_invitée",
            "pql_lookback_days": 0,
        },
        tmp_path,
        check=True,
    )


BAD = {
    # strict booleans: a string or a number never turns an override on
    "pql_override_crm_owner": ("false", "true or false (a YAML boolean"),
    # integers really integers, in range
    "pql_lookback_days": ("abc", "an integer from 0 to 3650"),
    "pql_future_tolerance_hours": (-30, "an integer from 0 to 8760"),
    "pql_conversion_window_days": (3.5, "an integer from 1 to 3650"),
    "pql_lift_min_sample": (True, "an integer from 1 to"),
    # numbers finite and in range
    "pql_signal_decay_weight": (1.5, "a finite number from 0 to 1"),
    # identifiers that would break out of their quotes
    "pql_raw_schema": ('raw"; drop table x; --', "a warehouse name of letters, digits"),
    "pql_raw_database": ("prod db", "a warehouse name of letters, digits"),
    # lists of strings, and of allowed values
    "pql_paying_statuses": (["active", ""], "a non-empty list of distinct non-empty strings"),
    "pql_conversion_events": (["signed_up"], "among paid_subscription_started"),
    # event names as normalised
    "pql_invite_sent_event": ("Teammate Invited", "a normalised event name"),
    # a value that must be one of another var's
    "pql_active_seat_days": (21, "one of var pql_usage_windows [7, 14, 30]"),
}


def test_each_class_of_bad_var_fails_naming_the_var_the_value_and_the_expectation(tmp_path):
    output = parse({name: value for name, (value, _) in BAD.items()}, tmp_path)
    assert "Invalid vars" in output
    for name, (value, expected) in BAD.items():
        line = f"var {name} = {json.dumps(value)}: expected "
        assert line in output, f"{name} not reported:\n{output[-4000:]}"
        reported = output[output.index(line) :].splitlines()[0]
        assert expected in reported, reported


def test_a_list_var_given_as_a_number_fails_before_a_model_uses_it(tmp_path):
    """pql_usage_windows is iterated while models are parsed, before the run-start check renders;
    models read it through validated_var, which gives the same message."""
    output = parse({"pql_usage_windows": 7}, tmp_path)
    assert "var pql_usage_windows = 7: expected a non-empty list of distinct integers" in output


def test_a_run_stops_at_run_start_before_any_model(tmp_path):
    output = run_dbt(
        [
            "run",
            "--select",
            "rpt_routing_rule_coverage",
            "--vars",
            json.dumps({"pql_override_crm_owner": "false"}),
        ],
        tmp_path / "empty.duckdb",
        tmp_path,
        check=False,
    )
    assert 'var pql_override_crm_owner = "false": expected true or false' in output
    assert "START sql" not in output
