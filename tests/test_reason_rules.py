"""Reasons a rep can act on (docs/reason_templates.md), one scenario per rule, on the threshold
engine's compiled SQL and tiny hand-made inputs (the harness of tests/test_threshold_engine.py):

- plural forms: `{value:project|projects}` reads "1 project" / "3 projects"; `{window:day|days}`
  and `{threshold:...}` follow their own number; templates without them render as before;
- a fading signal never shows a zero or below-threshold value: it shows the value it had on the
  last day it met its threshold, and that day;
- two fit rules that read the same ("120 employees") are listed once;
- a qualified entity held by the anti-flapping rule says why, and the day it is demoted
  (hold_ends_on);
- both config validators refuse the same malformed plural templates: the Python validator
  (int_pql_config_validated_py) and the SQL guard assert_pql_config_reason_templates_render.
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest

from tests.model_code import load_model
from tests.support import REPO_ROOT, run_dbt
from tests.test_threshold_engine import (
    CONFIG_SCHEMA,
    SQL_MODELS,
    Warehouse,
    account,
    contribution,
    day,
    run_engine,
    signal,
    state_on,
)

validator = load_model("models/intermediate/signals/int_pql_config_validated_py.py")
GUARD = "assert_pql_config_reason_templates_render"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory) -> dict:
    """The engine's models and the reason-template guard, compiled, by name."""
    work_dir = tmp_path_factory.mktemp("reasons")
    run_dbt(["compile", "--select", *SQL_MODELS, GUARD], work_dir / "reasons.duckdb", work_dir)
    manifest = json.loads((work_dir / "target" / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "test")
    }


def reasons_on(history, entity_id, n) -> str:
    return state_on(history, entity_id, n)["reasons"]


# --- plural forms ---------------------------------------------------------------------------


def test_plural_forms_follow_the_number_shown(nodes):
    config = [
        signal(
            "projects",
            window_days=7,
            threshold=1,
            template="Created {value:project|projects} in the last {window:day|days}",
        ),
        signal(
            "daily",
            window_days=1,
            threshold=1,
            weight=10,
            template="{value:report|reports} in the last {window:day|days}, "
            "at least {threshold:report|reports}",
        ),
        signal("plain", window_days=7, threshold=1, weight=5, template="{value} in {window} days"),
    ]
    contributions = [
        contribution("projects", "one", 1, count=1),
        contribution("projects", "three", 1, count=3),
        contribution("daily", "one", 1, count=1),
        contribution("daily", "three", 1, count=2),
        contribution("plain", "one", 1, count=1),
    ]
    history = run_engine(nodes, config, contributions, [account("one"), account("three")], as_of=1)
    assert reasons_on(history, "one", 1) == (
        "Created 1 project in the last 7 days; 1 report in the last 1 day, at least 1 report; "
        "1 in 7 days"
    )
    assert reasons_on(history, "three", 1) == (
        "Created 3 projects in the last 7 days; 2 reports in the last 1 day, at least 1 report"
    )


def test_copies_and_three_distinct_plural_placeholders_resolve_in_one_template(nodes):
    config = [
        signal(
            "copies",
            window_days=1,
            threshold=1,
            weight=60,
            template="{value:project|projects} made, {value:project|projects} again, "
            "in {window:day|days}, at least {threshold:time|times}",
        ),
        signal(
            "seats",
            window_days=7,
            threshold=2,
            weight=40,
            template="{value:seat|seats} of {threshold:seat|seats} in {window:day|days}, "
            "{value:seat|seats}",
        ),
    ]
    contributions = [
        contribution("copies", "one", 1, count=1),
        contribution("copies", "three", 1, count=3),
        contribution("seats", "three", 1, count=3),
    ]
    history = run_engine(nodes, config, contributions, [account("one"), account("three")], as_of=1)
    assert reasons_on(history, "one", 1) == (
        "1 project made, 1 project again, in 1 day, at least 1 time"
    )
    assert reasons_on(history, "three", 1) == (
        "3 projects made, 3 projects again, in 1 day, at least 1 time; "
        "3 seats of 2 seats in 7 days, 3 seats"
    )


# --- no zero or below-threshold value -------------------------------------------------------


def test_a_fading_signal_shows_the_value_it_met_its_threshold_with(nodes):
    config = [
        signal(
            "projects",
            window_days=7,
            threshold=3,
            lifespan=10,
            template="Created {value:project|projects} in the last {window} days",
        )
    ]
    # 2 projects on day 1, 1 on day 3: 3 from day 3 to day 7; 1 on day 8; 0 from day 10
    contributions = [
        contribution("projects", "a", 1, count=2),
        contribution("projects", "a", 3, count=1),
    ]
    history = run_engine(nodes, config, contributions, [account("a")], as_of=12)
    assert reasons_on(history, "a", 5) == "Created 3 projects in the last 7 days"
    faded = f"Created 3 projects in the last 7 days (as of {day(7)}, fading)"
    assert reasons_on(history, "a", 8) == faded  # the value is 1 now, below 3
    assert reasons_on(history, "a", 11) == faded  # and 0 now
    for row in history:
        assert not re.search(r"\b[0-2] projects?\b", row["reasons"]), row


# --- fit reasons listed once ----------------------------------------------------------------


def test_two_fit_rules_that_read_the_same_are_listed_once(nodes):
    warehouse = Warehouse(nodes)
    attributes = [
        {"entity": "account", "entity_id": "a", "attribute_name": "employee_count"},
        {"entity": "account", "entity_id": "a", "attribute_name": "industry"},
    ]
    attributes[0]["attribute_value"] = "120"
    attributes[1]["attribute_value"] = "software"
    rules = [
        ("mid_market", "employee_count", ">=", "50", "50", "{value} employees"),
        ("small_team", "employee_count", ">=", "10", "20", "{value} employees"),
        ("target_industry", "industry", "in", "software|fintech", "30", "Industry is {value}"),
    ]
    warehouse.load("int_pql_entity_attributes", attributes)
    warehouse.load(
        "pql_fit_rules",
        [
            dict(
                zip(
                    ("rule_id", "attribute", "operator", "value", "weight", "reason"),
                    rule,
                    strict=True,
                ),
                entity="account",
            )
            for rule in rules
        ],
    )
    warehouse.run("int_pql_entity_fit")
    fit = warehouse.rows("int_pql_entity_fit", "entity_id")
    assert [(row["fit_score"], row["fit_reasons"]) for row in fit] == [
        (100.0, "120 employees; Industry is software")
    ]


# --- the anti-flapping hold -----------------------------------------------------------------


def held(**changes):
    row = signal("built", window_days=3, threshold=1, weight=60, template="Built {value} things")
    row.update(min_days_before_demotion=14, **changes)
    return row


def test_a_held_entity_says_why_it_is_still_qualified_and_until_when(nodes):
    # qualifies on day 1 (score 60 >= 50); the window closes on day 4 (score 0), but it has
    # been qualified fewer than 14 days: held until day 15, when it is demoted
    history = run_engine(nodes, [held()], [contribution("built", "a", 1)], [account("a")], as_of=20)
    during = state_on(history, "a", 5)
    assert during["status"] == "qualified"
    assert during["hold_ends_on"] == day(15)
    assert during["reasons"] == (
        f"Score 0 is below 50; kept qualified by the anti-flapping hold, demoted on {day(15)} "
        "unless it qualifies again"
    )
    assert state_on(history, "a", 2)["hold_ends_on"] is None  # qualifying on its own
    after = state_on(history, "a", 15)
    assert (after["status"], after["hold_ends_on"]) == ("not_qualified", None)
    assert "anti-flapping" not in after["reasons"]


def test_a_hold_for_a_missing_required_signal_says_it_no_longer_meets_the_definition(nodes):
    config = [
        held(),
        signal("invited", window_days=30, threshold=1, weight=60, template="Invited {value}"),
    ]
    for row in config:
        row.update(required_signals="built|invited", min_days_before_demotion=14)
    contributions = [contribution("built", "a", 1), contribution("invited", "a", 1)]
    history = run_engine(nodes, config, contributions, [account("a")], as_of=20)
    during = state_on(history, "a", 5)  # score 60 still meets 50, but built is required
    assert during["status"] == "qualified"
    assert during["reasons"] == (
        f"No longer meets the definition; kept qualified by the anti-flapping hold, demoted on "
        f"{day(15)} unless it qualifies again; Invited 1"
    )


# --- both validators refuse the same templates ----------------------------------------------

GOOD = [
    "Created {value} projects in the last {window} days",
    "Created {value:project|projects} in the last {window:day|days}",
    "{value:teammate built|teammates built}, at least {threshold:time|times}",
    "{value:a|as} {value:b|bs} {window:c|cs}",
    "{value:a|as} {value:a|as} {window:c|cs} {value:a|as} {threshold:d|ds} {window:c|cs}",
    "Connected an integration",
    "",
]
BAD = [
    "Created {value:projects}",
    "Created {value:a|b|c}",
    "Created {value:|s}",
    "Created {value:s|}",
    "Created {count:project|projects}",
    "Made {count} things",
    "Created {value:a|as} {value:b|bs} {window:c|cs} {threshold:d|ds}",
    "Created {value} projects}",
    "Created {value:a|as} {value:b|bs} {window:c|cs} {value:a|as} {threshold:d|ds}",
    "Created {value:projects} {value:a|as}",
    "Created {value:a|as} {window:{value:a|as}",
    "Created {value:a|as",
    "Created {threshold:}",
    "Created {{value:a|as}",
]


def python_refuses(template: str) -> bool:
    try:
        validator.template(validator.REASON_PLACEHOLDERS, plural=True)(template)
    except validator.Bad:
        return True
    return False


def sql_refuses(nodes, templates: list[str]) -> set[str]:
    warehouse = Warehouse(nodes)
    rows = [
        signal(f"s{index}", template=template, threshold=1 + index % 2)
        for index, template in enumerate(templates)
    ]
    table = pa.Table.from_pylist(rows, schema=pa.schema(CONFIG_SCHEMA))
    warehouse.con.register("incoming", table)
    warehouse.con.execute(
        f"create table {warehouse.relation('int_pql_config_validated_sql')} "
        "as select * from incoming"
    )
    flagged = warehouse.con.sql(nodes[GUARD]["compiled_code"]).fetchall()
    columns = warehouse.con.sql(nodes[GUARD]["compiled_code"]).columns
    return {dict(zip(columns, row, strict=True))["value_as_written"] for row in flagged}


def test_python_validator_and_sql_guard_refuse_the_same_templates(nodes):
    assert [python_refuses(t) for t in GOOD] == [False] * len(GOOD)
    assert [python_refuses(t) for t in BAD] == [True] * len(BAD)
    assert sql_refuses(nodes, GOOD + BAD) == set(BAD)


def test_fit_reasons_take_no_plural_forms():
    parse = validator.template(validator.FIT_REASON_PLACEHOLDERS)
    assert parse("{value} employees") == "{value} employees"
    with pytest.raises(validator.Bad, match="unknown placeholder"):
        parse("{value:employee|employees}")


def test_the_plural_limit_is_the_same_in_the_validator_and_the_sql_macro():
    macro = (REPO_ROOT / "macros" / "reason_template_plurals.sql").read_text()
    limit = re.search(r"macro pql_reason_plural_limit\(\).*?return\((\d+)\)", macro, re.S)
    assert int(limit.group(1)) == validator.MAX_PLURAL_FORMS


def test_the_learned_score_reads_plural_forms_too():
    learned = load_model("models/intermediate/learned_score/int_learned_score_fitted.py")
    catalog = {
        "signal:projects": {
            "template": "Created {value:project|projects} in the last {window:day|days}",
            "window": 14,
            "aggregation": "count",
        }
    }
    assert (
        learned.describe("signal:projects", 1, catalog) == "Created 1 project in the last 14 days"
    )
    assert (
        learned.describe("signal:projects", 3, catalog) == "Created 3 projects in the last 14 days"
    )
