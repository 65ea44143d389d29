"""The threshold engine on tiny hand-made inputs in an in-memory DuckDB: every aggregation,
window boundaries, late events, decay, required signals, eligibility, tiers, and the
anti-flapping rule.

The engine's SQL models are compiled once by dbt (`dbt compile`) and their compiled SQL run here
on tables created at the relation names they read, so these tests run the real models. The
anti-flapping rule runs both ways, the Python model's pure functions and its SQL twin, and every
scenario requires identical status changes from the two.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest

from tests.model_code import load_model
from tests.support import REPO_ROOT, run_dbt

engine = load_model("models/intermediate/signals/int_pql_statuses_debounced.py")
DAY0 = date(2026, 3, 1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n - 1)


def signal(
    signal_id,
    aggregation="count",
    window_days=7,
    threshold=1,
    weight=50,
    lifespan=0,
    definition_id="def",
    entity="account",
    motion="new_business",
    score_threshold=50,
    required="",
    template="{value} in {window} days",
    threshold_max=None,
    disqualifies=False,
    event_name="e",
):
    return {
        "signal_event_key": f"{definition_id}|{signal_id}|e",
        "definition_id": definition_id,
        "definition_version": "v1",
        "entity": entity,
        "motion": motion,
        "score_threshold": float(score_threshold),
        "required_signals": required,
        "min_fit_score": None,
        "min_days_before_demotion": 0,
        "cooldown_days": 0,
        "signal_id": signal_id,
        "category": "usage",
        "event_name": event_name,
        "property_filter_key": None,
        "property_filter_value": None,
        "page_path_prefix": None,
        "aggregation": aggregation,
        "property_key": None,
        "window_days": None if aggregation == "first_time" else window_days,
        "threshold": float(threshold),
        "threshold_max": None if threshold_max is None else float(threshold_max),
        "weight": float(weight),
        "disqualifies": disqualifies,
        "lifespan_days": lifespan,
        "reason_template": template,
    }


def contribution(
    signal_id,
    entity_id,
    occurred,
    available=None,
    key=None,
    count=1,
    definition_id="def",
    numbers=None,
):
    """`numbers`: the numeric property of each event (sum, max, avg); count is then theirs."""
    return {
        "definition_id": definition_id,
        "signal_id": signal_id,
        "entity_id": entity_id,
        "occurred_date": day(occurred),
        "available_date": day(available if available is not None else occurred),
        "distinct_key": key,
        "event_count": len(numbers) if numbers else count,
        "property_sum": float(sum(numbers)) if numbers else None,
        "property_max": float(max(numbers)) if numbers else None,
        "last_resolved_received_at": None,
        "config_hash": None,
    }


TIERS = [
    {"tier": "hot", "min_score": "75"},
    {"tier": "warm", "min_score": "50"},
    {"tier": "cool", "min_score": "25"},
    {"tier": "cold", "min_score": "0"},
]


def _table(con, name, rows, schema):
    con.register(name, pa.Table.from_pylist(rows, schema=pa.schema(schema)))
    return name


CONFIG_SCHEMA = [
    (
        k,
        pa.float64()
        if k in ("score_threshold", "min_fit_score", "threshold", "threshold_max", "weight")
        else pa.bool_()
        if k == "disqualifies"
        else pa.int64()
        if k in ("min_days_before_demotion", "cooldown_days", "window_days", "lifespan_days")
        else pa.string(),
    )
    for k in signal("x")
]
CONTRIBUTION_SCHEMA = [
    ("definition_id", pa.string()),
    ("signal_id", pa.string()),
    ("entity_id", pa.string()),
    ("occurred_date", pa.date32()),
    ("available_date", pa.date32()),
    ("distinct_key", pa.string()),
    ("event_count", pa.int64()),
    ("property_sum", pa.float64()),
    ("property_max", pa.float64()),
    ("last_resolved_received_at", pa.timestamp("us")),
    ("config_hash", pa.string()),
]


# The engine's SQL models in build order; int_pql_statuses_debounced (Python) runs between
# int_pql_qualification_runs and int_pql_signal_reasons.
SQL_MODELS = (
    "int_pql_signal_intervals",
    "int_pql_entity_fit",
    "int_pql_score_changes",
    "int_pql_qualification_runs",
    "int_pql_statuses_debounced_sql",
    "int_pql_signal_reasons",
    "int_pql_states_evaluated",
)
INPUT_SCHEMAS = {
    "int_pql_config_validated": CONFIG_SCHEMA,
    "int_signal_contributions_daily": CONTRIBUTION_SCHEMA,
    "int_pql_entities": [
        ("entity", pa.string()),
        ("entity_id", pa.string()),
        ("paying_since_date", pa.date32()),
    ],
    "int_pql_entity_attributes": [
        ("entity", pa.string()),
        ("entity_id", pa.string()),
        ("attribute_name", pa.string()),
        ("attribute_value", pa.string()),
    ],
    "pql_fit_rules": [
        (c, pa.string())
        for c in ("rule_id", "entity", "attribute", "operator", "value", "weight", "reason")
    ],
    "pql_tiers": [("tier", pa.string()), ("min_score", pa.string())],
    "int_events_resolved": [("resolved_received_at", pa.date32())],
    "int_pql_qualification_runs": [
        ("definition_id", pa.string()),
        ("entity_id", pa.string()),
        ("run_number", pa.int64()),
        ("run_start", pa.date32()),
        ("run_end", pa.date32()),
        ("raw_state", pa.string()),
        ("motion", pa.string()),
        ("min_days_before_demotion", pa.int64()),
        ("cooldown_days", pa.int64()),
        ("last_resolved_received_at", pa.timestamp("us")),
        ("fit_score", pa.float64()),
        ("fit_reasons", pa.string()),
        ("paying_since_date", pa.date32()),
        ("config_hash", pa.string()),
    ],
}
STATUS_COLUMNS = "definition_id, entity_id, change_date, status"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory) -> dict:
    """The manifest nodes (models and seeds) by name, the engine's models compiled."""
    work_dir = tmp_path_factory.mktemp("engine")
    run_dbt(["compile", "--select", *SQL_MODELS], work_dir / "engine.duckdb", work_dir)
    manifest = json.loads((work_dir / "target" / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }


class Warehouse:
    """An in-memory DuckDB holding tables at the relation names the compiled models read."""

    def __init__(self, nodes: dict) -> None:
        self.nodes = nodes
        self.con = duckdb.connect()
        database = nodes["int_pql_states_evaluated"]["database"]
        self.con.execute(f"attach ':memory:' as {database}")
        for node in nodes.values():
            self.con.execute(f'create schema if not exists {database}."{node["schema"]}"')

    def relation(self, name: str) -> str:
        return self.nodes[name]["relation_name"]

    def load(self, name: str, rows: list[dict]) -> None:
        table = pa.Table.from_pylist(rows, schema=pa.schema(INPUT_SCHEMAS[name]))
        self.con.register("incoming", table)
        self.con.execute(f"create table {self.relation(name)} as select * from incoming")
        self.con.unregister("incoming")

    def run(self, name: str) -> None:
        if name == "int_pql_statuses_debounced":  # the Python model's functions
            runs = self.con.sql(f"select * from {self.relation('int_pql_qualification_runs')}")
            self.con.register(
                "incoming", engine.arrow_table(engine.status_changes(engine.fetch_runs(runs)))
            )
            self.con.execute(f"create table {self.relation(name)} as select * from incoming")
            self.con.unregister("incoming")
            return
        self.con.execute(
            f"create table {self.relation(name)} as {self.nodes[name]['compiled_code']}"
        )

    def rows(self, name: str, order_by: str) -> list[dict]:
        relation = self.con.sql(f"select * from {self.relation(name)} order by {order_by}")
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def statuses(self, name: str) -> list[tuple]:
        return self.con.sql(
            f"select {STATUS_COLUMNS} from {self.relation(name)} order by {STATUS_COLUMNS}"
        ).fetchall()


def signal_intervals(nodes, config, contributions):
    warehouse = Warehouse(nodes)
    warehouse.load("int_pql_config_validated", config)
    warehouse.load("int_signal_contributions_daily", contributions)
    warehouse.run("int_pql_signal_intervals")
    return warehouse.rows("int_pql_signal_intervals", "signal_id, entity_id, valid_from")


def value_on(intervals, n, signal_id=None, entity_id=None):
    """(value, factor) of the interval containing day n."""
    for row in intervals:
        if (signal_id and row["signal_id"] != signal_id) or (
            entity_id and row["entity_id"] != entity_id
        ):
            continue
        if row["valid_from"] <= day(n) and (row["valid_to"] is None or day(n) < row["valid_to"]):
            return row["signal_value"], row["factor"]
    return None


def run_engine(
    nodes, config, contributions, entities, as_of, tiers=TIERS, fit_rules=(), attributes=()
):
    """The whole engine; asserts on the way that the Python model and its SQL twin agree."""
    warehouse = Warehouse(nodes)
    warehouse.load("int_pql_config_validated", config)
    warehouse.load("int_signal_contributions_daily", contributions)
    warehouse.load("int_pql_entities", entities)
    warehouse.load("int_pql_entity_attributes", list(attributes))
    warehouse.load("pql_fit_rules", list(fit_rules))
    warehouse.load("pql_tiers", tiers)
    warehouse.load("int_events_resolved", [{"resolved_received_at": day(as_of)}])
    for name in SQL_MODELS[:5]:
        warehouse.run(name)
    warehouse.run("int_pql_statuses_debounced")
    assert warehouse.statuses("int_pql_statuses_debounced") == warehouse.statuses(
        "int_pql_statuses_debounced_sql"
    )
    for name in SQL_MODELS[5:]:
        warehouse.run(name)
    return warehouse.rows("int_pql_states_evaluated", "entity_id, valid_from")


def state_on(history, entity_id, n):
    for row in history:
        if (
            row["entity_id"] == entity_id
            and row["valid_from"] <= day(n)
            and (row["valid_to"] is None or day(n) < row["valid_to"])
        ):
            return row
    return None


def account(entity_id, paying_since=None):
    return {
        "entity": "account",
        "entity_id": entity_id,
        "paying_since_date": day(paying_since) if paying_since else None,
    }


# --- aggregations and windows -----------------------------------------------------------------


def test_count_window_includes_day_n_and_excludes_day_n_plus_1(nodes):
    intervals = signal_intervals(
        nodes, [signal("s", window_days=7, threshold=2)], [contribution("s", "a", 1, count=2)]
    )
    assert value_on(intervals, 7) == (2, 1.0)  # day 1 is inside the 7 days ending day 7
    assert value_on(intervals, 8) == (0, 0.0)  # ... and outside those ending day 8


def test_count_sums_events_of_several_days(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", window_days=3, threshold=3)],
        [contribution("s", "a", 1, count=2), contribution("s", "a", 3, count=1)],
    )
    assert value_on(intervals, 3) == (3, 1.0)
    assert value_on(intervals, 4) == (1, 0.0)


def test_late_event_counts_only_from_the_day_it_was_known(nodes):
    intervals = signal_intervals(
        nodes, [signal("s", window_days=7, threshold=1)], [contribution("s", "a", 1, available=3)]
    )
    assert value_on(intervals, 2) is None  # nothing known about the entity yet
    assert value_on(intervals, 3) == (1, 1.0)
    assert value_on(intervals, 8) == (0, 0.0)


def test_event_known_after_its_window_closed_never_counts(nodes):
    intervals = signal_intervals(
        nodes, [signal("s", window_days=7, threshold=1)], [contribution("s", "a", 1, available=9)]
    )
    assert intervals == []


def test_active_days_counts_days_not_events(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="active_days", window_days=7, threshold=2)],
        [contribution("s", "a", 1, count=5), contribution("s", "a", 2, count=1)],
    )
    assert value_on(intervals, 2) == (2, 1.0)
    assert value_on(intervals, 8) == (1, 0.0)


@pytest.mark.parametrize("aggregation", ["distinct_users", "distinct_property_values"])
def test_distinct_counts_merge_overlapping_spans_of_one_key(nodes, aggregation):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation=aggregation, window_days=7, threshold=2)],
        [
            contribution("s", "a", 1, key="u1"),
            contribution("s", "a", 3, key="u1"),
            contribution("s", "a", 2, key="u2"),
        ],
    )
    assert value_on(intervals, 3) == (2, 1.0)  # u1 once, not twice
    assert value_on(intervals, 8) == (2, 1.0)  # u1 (day 3) and u2 (day 2) still inside
    assert value_on(intervals, 9) == (1, 0.0)  # u2 left on day 9, u1 stays until day 10
    assert value_on(intervals, 10) == (0, 0.0)


def test_first_time_never_leaves(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="first_time", threshold=1)],
        [contribution("s", "a", 5, available=6), contribution("s", "a", 40)],
    )
    assert value_on(intervals, 5) is None
    assert value_on(intervals, 6) == (1, 1.0)
    assert value_on(intervals, 400) == (1, 1.0)


def test_decay_keeps_a_share_of_the_weight_for_the_lifespan(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", window_days=7, threshold=1, lifespan=3)],
        [contribution("s", "a", 1)],
    )
    assert value_on(intervals, 7) == (1, 1.0)
    assert value_on(intervals, 8) == (0, 0.5)  # var pql_signal_decay_weight (project default)
    assert value_on(intervals, 10) == (0, 0.5)
    assert value_on(intervals, 11) == (0, 0.0)


def test_decay_ends_early_when_the_signal_fires_again(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", window_days=2, threshold=1, lifespan=10)],
        [contribution("s", "a", 1), contribution("s", "a", 5)],
    )
    assert value_on(intervals, 3) == (0, 0.5)
    assert value_on(intervals, 5) == (1, 1.0)
    assert value_on(intervals, 7) == (0, 0.5)  # decay counts from the latest stop (day 7)
    assert value_on(intervals, 16) == (0, 0.5)
    assert value_on(intervals, 17) == (0, 0.0)


# --- score, tiers, required signals, eligibility ----------------------------------------------


def test_tier_boundaries_are_inclusive_at_min_score(nodes):
    config = [
        signal("a", weight=50, score_threshold=50),
        signal("b", weight=25, score_threshold=50),
        signal("c", weight=24.999, score_threshold=50),
    ]
    contributions = [
        contribution("a", "warm_exactly", 1),
        contribution("b", "cool_exactly", 1),
        contribution("a", "hot_exactly", 1),
        contribution("b", "hot_exactly", 1),
        contribution("c", "just_below_cool", 1),
    ]
    entities = [
        account(e) for e in ("warm_exactly", "cool_exactly", "hot_exactly", "just_below_cool")
    ]
    history = run_engine(nodes, config, contributions, entities, as_of=3)
    assert state_on(history, "hot_exactly", 3)["tier"] == "hot"
    assert state_on(history, "warm_exactly", 3)["tier"] == "warm"
    assert state_on(history, "cool_exactly", 3)["tier"] == "cool"
    assert state_on(history, "just_below_cool", 3)["tier"] == "cold"
    assert state_on(history, "warm_exactly", 3)["status"] == "qualified"  # score == threshold
    assert state_on(history, "cool_exactly", 3)["status"] == "not_qualified"


def test_required_signal_gates_qualification(nodes):
    config = [
        signal("big", weight=80, score_threshold=50, required="must"),
        signal("must", weight=10, score_threshold=50, required="must"),
    ]
    history = run_engine(
        nodes,
        config,
        [contribution("big", "x", 1), contribution("big", "y", 1), contribution("must", "y", 2)],
        [account("x"), account("y")],
        as_of=3,
    )
    assert state_on(history, "x", 3)["status"] == "not_qualified"
    assert state_on(history, "y", 1)["status"] == "not_qualified"
    assert state_on(history, "y", 2)["status"] == "qualified"
    assert state_on(history, "y", 2)["reasons"] == "1 in 7 days; 1 in 7 days"


def test_new_business_entity_converts_when_it_starts_paying(nodes):
    history = run_engine(
        nodes,
        [signal("s", weight=60, window_days=30)],
        [contribution("s", "a", 1)],
        [account("a", paying_since=4)],
        as_of=10,
    )
    assert state_on(history, "a", 3)["status"] == "qualified"
    assert state_on(history, "a", 4)["status"] == "converted"
    assert state_on(history, "a", 4)["change_type"] == "converted"


def test_expansion_only_for_paying_accounts(nodes):
    config = [signal("s", weight=60, window_days=30, motion="expansion")]
    history = run_engine(
        nodes, config, [contribution("s", "a", 1)], [account("a", paying_since=4)], as_of=10
    )
    assert state_on(history, "a", 2)["status"] == "not_eligible"
    assert state_on(history, "a", 4)["status"] == "qualified"


def test_history_stops_at_the_as_of_date(nodes):
    history = run_engine(
        nodes,
        [signal("s", weight=60, window_days=7)],
        [contribution("s", "a", 1)],
        [account("a")],
        as_of=5,
    )
    assert [r["valid_to"] for r in history] == [None]
    assert history[0]["status"] == "qualified"


# --- anti-flapping ----------------------------------------------------------------------------

Q, N, X = engine.RAW_QUALIFIES, engine.RAW_DOES_NOT, engine.RAW_INELIGIBLE


def flap(nodes, runs, min_days=14, cooldown=7, motion="new_business"):
    """Status changes of one entity's runs by the Python rule, after checking that the SQL twin
    (int_pql_statuses_debounced_sql) gives the same."""
    dated = [(day(n), state) for n, state in runs]
    changes = engine.apply_anti_flapping(dated, motion, min_days, cooldown)
    warehouse = Warehouse(nodes)
    warehouse.load(
        "int_pql_qualification_runs",
        [
            {
                "definition_id": "def",
                "entity_id": "a",
                "run_number": number,
                "run_start": start,
                "run_end": dated[number][0] if number < len(dated) else None,
                "raw_state": state,
                "motion": motion,
                "min_days_before_demotion": min_days,
                "cooldown_days": cooldown,
            }
            for number, (start, state) in enumerate(dated, start=1)
        ],
    )
    warehouse.run("int_pql_statuses_debounced_sql")
    twin = warehouse.statuses("int_pql_statuses_debounced_sql")
    assert twin == [("def", "a", change_date, status) for change_date, status in changes]
    return changes


def test_short_dip_is_not_a_demotion(nodes):
    assert flap(nodes, [(1, Q), (5, N), (7, Q)]) == [(day(1), "qualified")]


def test_demotion_waits_for_the_minimum_days(nodes):
    assert flap(nodes, [(1, Q), (5, N)]) == [(day(1), "qualified"), (day(15), "not_qualified")]


def test_demotion_after_the_minimum_days_is_immediate(nodes):
    assert flap(nodes, [(1, Q), (20, N)]) == [(day(1), "qualified"), (day(20), "not_qualified")]


def test_requalifying_waits_for_the_cooldown(nodes):
    changes = flap(nodes, [(1, Q), (20, N), (22, Q)], cooldown=7)
    assert changes == [(day(1), "qualified"), (day(20), "not_qualified"), (day(27), "qualified")]


def test_a_qualifying_run_inside_the_cooldown_does_not_qualify(nodes):
    changes = flap(nodes, [(1, Q), (20, N), (22, Q), (24, N)], cooldown=7)
    assert changes == [(day(1), "qualified"), (day(20), "not_qualified")]


def test_losing_eligibility_is_immediate(nodes):
    assert flap(nodes, [(1, Q), (3, X)]) == [(day(1), "qualified"), (day(3), "converted")]
    assert flap(nodes, [(1, X), (3, Q)], motion="expansion") == [
        (day(1), "not_eligible"),
        (day(3), "qualified"),
    ]


def test_first_run_not_qualifying(nodes):
    assert flap(nodes, [(1, N), (4, Q)]) == [(day(1), "not_qualified"), (day(4), "qualified")]


def test_python_model_is_enabled_exactly_where_python_models_run():
    """The Python model's `enabled` (YAML, which cannot call macros) lists the targets of macro
    pql_python_models_supported, which int_pql_states_evaluated uses to pick it or the twin."""
    supported = re.search(
        r"target.type in (\[.*?\])",
        (REPO_ROOT / "macros" / "pql_python_models_supported.sql").read_text(),
    ).group(1)
    models_yml = (
        REPO_ROOT / "models" / "intermediate" / "signals" / "_int_signals__models.yml"
    ).read_text()
    entry = models_yml.split("  - name: int_pql_statuses_debounced\n")[1].split("  - name:")[0]
    assert f'enabled: "{{{{ target.type in {supported} }}}}"' in entry


# --- richer signals: numeric properties, distinct events, growth, bands, negatives ------------


def test_sum_adds_the_property_numbers_in_the_window(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="sum", window_days=3, threshold=30)],
        [contribution("s", "a", 1, numbers=[10, 12.5]), contribution("s", "a", 3, numbers=[8])],
    )
    assert value_on(intervals, 1) == (22.5, 0.0)
    assert value_on(intervals, 3) == (30.5, 1.0)
    assert value_on(intervals, 4) == (8, 0.0)  # day 1 left the 3 days ending day 4


def test_max_is_the_largest_number_present(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="max", window_days=3, threshold=30)],
        [
            contribution("s", "a", 1, numbers=[10, 45]),
            contribution("s", "a", 2, numbers=[20]),
            contribution("s", "a", 5, numbers=[5]),
        ],
    )
    assert value_on(intervals, 2) == (45, 1.0)
    assert value_on(intervals, 4) == (20, 0.0)  # 45 (day 1) left, 20 (day 2) still inside
    assert value_on(intervals, 5) == (5, 0.0)
    assert value_on(intervals, 8) == (0, 0.0)


def test_avg_divides_the_sum_by_the_events_with_a_number(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="avg", window_days=3, threshold=25)],
        [contribution("s", "a", 1, numbers=[10, 20]), contribution("s", "a", 2, numbers=[60])],
    )
    assert value_on(intervals, 1) == (15, 0.0)
    assert value_on(intervals, 2) == (30, 1.0)  # (10 + 20 + 60) / 3
    assert value_on(intervals, 4) == (60, 1.0)
    assert value_on(intervals, 5) == (0, 0.0)  # nothing left: 0, not a division by zero


def test_distinct_events_counts_event_names_once(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="distinct_events", window_days=7, threshold=2)],
        [
            contribution("s", "a", 1, key="report_shared", count=4),
            contribution("s", "a", 2, key="report_exported"),
            contribution("s", "a", 3, key="report_shared"),
        ],
    )
    assert value_on(intervals, 1) == (1, 0.0)
    assert value_on(intervals, 2) == (2, 1.0)
    assert value_on(intervals, 9) == (1, 0.0)  # report_exported (day 2) left on day 9


def test_count_growth_compares_the_window_with_the_previous_one(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", aggregation="count_growth", window_days=7, threshold=2)],
        [
            contribution("s", "a", 1, count=2),
            contribution("s", "a", 8, count=6),
            contribution("s", "a", 16, count=3, available=17),
        ],
    )
    assert value_on(intervals, 1) == (0, 0.0)  # no previous window yet: no baseline
    assert value_on(intervals, 8) == (3, 1.0)  # 6 this week over 2 the week before
    assert value_on(intervals, 14) == (3, 1.0)
    assert value_on(intervals, 15) == (0, 0.0)  # 0 this week over 6
    assert value_on(intervals, 17) == (0.5, 0.0)  # the late day-16 events, known on day 17
    assert value_on(intervals, 22) == (0, 0.0)  # 3 this week, none the week before: no baseline


def test_threshold_max_makes_a_band(nodes):
    intervals = signal_intervals(
        nodes,
        [signal("s", window_days=7, threshold=2, threshold_max=3)],
        [contribution("s", "a", n) for n in range(1, 6)],
    )
    assert value_on(intervals, 1) == (1, 0.0)
    assert value_on(intervals, 2) == (2, 1.0)
    assert value_on(intervals, 3) == (3, 1.0)  # the upper bound is inclusive
    assert value_on(intervals, 4) == (4, 0.0)


def test_negative_weight_lowers_the_score_and_the_lowest_tier_holds_negative_scores(nodes):
    config = [
        signal("built", weight=60, score_threshold=50, window_days=30),
        signal("cancel_page", weight=-30, score_threshold=50, window_days=7),
    ]
    contributions = [
        contribution("built", "a", 1),
        contribution("cancel_page", "a", 3),
        contribution("cancel_page", "b", 1),
    ]
    history = run_engine(nodes, config, contributions, [account("a"), account("b")], as_of=12)
    assert (state_on(history, "a", 1)["score"], state_on(history, "a", 1)["status"]) == (
        60,
        "qualified",
    )
    assert (state_on(history, "a", 3)["score"], state_on(history, "a", 3)["status"]) == (
        30,
        "not_qualified",
    )
    assert (state_on(history, "a", 10)["score"], state_on(history, "a", 10)["status"]) == (
        60,
        "qualified",
    )
    assert (state_on(history, "b", 1)["score"], state_on(history, "b", 1)["tier"]) == (-30, "cold")


def test_disqualifier_demotes_at_once_with_its_reason_and_holds_while_it_fires(nodes):
    config = [
        signal("built", weight=60, score_threshold=50, window_days=30, template="Built {value}"),
        signal(
            "cancel_page",
            weight=0,
            score_threshold=50,
            window_days=7,
            disqualifies=True,
            template="Visited the cancel page",
        ),
    ]
    for row in config:  # no demotion before 14 days and no cooldown: the disqualifier skips both
        row["min_days_before_demotion"] = 14
    contributions = [
        contribution("built", "a", 1),
        contribution("cancel_page", "a", 3),
        contribution("built", "b", 1),
        contribution("cancel_page", "b", 1),
    ]
    history = run_engine(nodes, config, contributions, [account("a"), account("b")], as_of=12)
    assert state_on(history, "a", 1)["status"] == "qualified"
    on_day_3 = state_on(history, "a", 3)
    assert (on_day_3["valid_from"], on_day_3["status"], on_day_3["score"]) == (
        day(3),
        "not_qualified",
        60,
    )
    assert on_day_3["reasons"] == "Visited the cancel page; Built 1"  # the disqualifier first
    assert state_on(history, "a", 10)["status"] == "qualified"  # it left the 7-day window
    assert state_on(history, "b", 1)["status"] == "not_qualified"  # never qualified under it
    assert state_on(history, "b", 8)["status"] == "qualified"


def test_reasons_show_a_decimal_only_when_the_value_has_one(nodes):
    config = [
        signal(
            "minutes",
            aggregation="avg",
            weight=60,
            template="{value} min (at least {threshold})",
            threshold=2.5,
        ),
        signal("count", weight=10, template="{value} things"),
    ]
    contributions = [
        contribution("minutes", "a", 1, numbers=[2, 3.04]),
        contribution("count", "a", 1, count=12),
    ]
    history = run_engine(nodes, config, contributions, [account("a")], as_of=2)
    assert state_on(history, "a", 1)["reasons"] == "2.5 min (at least 2.5); 12 things"


D = engine.RAW_DISQUALIFIED


def test_disqualified_run_demotes_without_the_minimum_days_and_starts_the_cooldown(nodes):
    changes = flap(nodes, [(1, Q), (3, D), (5, Q)], min_days=14, cooldown=7)
    assert changes == [(day(1), "qualified"), (day(3), "not_qualified"), (day(10), "qualified")]
    assert flap(nodes, [(1, D), (4, Q)]) == [(day(1), "not_qualified"), (day(4), "qualified")]


def test_a_negative_fit_weight_with_a_minimum_fit_excludes_a_competitor(nodes):
    config = [signal("built", weight=60, score_threshold=50, template="Built {value}")]
    for row in config:
        row["min_fit_score"] = 0.0
    fit_rules = [
        {
            "rule_id": "competitor",
            "entity": "account",
            "attribute": "account_domain",
            "operator": "in",
            "value": "rival.com|other-rival.io",
            "weight": "-100",
            "reason": "Competitor domain {value}",
        },
        {
            "rule_id": "mid_market",
            "entity": "account",
            "attribute": "employee_count",
            "operator": ">=",
            "value": "50",
            "weight": "30",
            "reason": "{value} employees",
        },
    ]
    attributes = [
        {
            "entity": "account",
            "entity_id": "a",
            "attribute_name": "account_domain",
            "attribute_value": "rival.com",
        },
        {
            "entity": "account",
            "entity_id": "a",
            "attribute_name": "employee_count",
            "attribute_value": "80",
        },
        {
            "entity": "account",
            "entity_id": "b",
            "attribute_name": "account_domain",
            "attribute_value": "customer.com",
        },
    ]
    contributions = [contribution("built", "a", 1), contribution("built", "b", 1)]
    history = run_engine(
        nodes,
        config,
        contributions,
        [account("a"), account("b")],
        as_of=3,
        fit_rules=fit_rules,
        attributes=attributes,
    )
    competitor = state_on(history, "a", 2)
    assert competitor["status"] == "not_qualified"  # the behaviour alone would qualify it
    assert competitor["fit_score"] == -70
    assert competitor["fit_reasons"] == "80 employees; Competitor domain rival.com"
    assert state_on(history, "b", 2)["status"] == "qualified"  # no rule matched: fit 0


# --- the Python model, incrementally ----------------------------------------------------------


def test_incremental_statuses_walk_only_touched_entities():
    """touched_runs (the Python model on an incremental run) keeps the runs of the entities
    with a run newer than the stored watermark less the lookback, whose fit or payment start
    differ from the stored row (nulls equal), or with no stored row; an entity with the same
    inputs and an old watermark is left out. with_entity_columns adds the runs' inputs."""
    con = duckdb.connect()
    loaded = "timestamp '2026-03-10 12:00:00'"
    old = "timestamp '2026-03-01 00:00:00'"
    con.execute(
        f"""create table stored as select * from (values
            ('d', 'same', {old}, 10.0, null, null, 'h'),
            ('d', 'fit_changed', {old}, 10.0, 'Big', null, 'h'),
            ('d', 'recent', {loaded} - interval 2 day, 0.0, null, null, 'h'),
            ('d', 'now_paying', {old}, 0.0, null, null, 'h')
        ) as t(definition_id, entity_id, last_resolved_received_at, fit_score, fit_reasons,
               paying_since_date, config_hash)"""
    )
    con.execute(
        f"""create table runs as select * from (values
            ('d', 'same', 1, date '2026-02-01', 'qualifies', {old}, 10.0, null, null),
            ('d', 'fit_changed', 1, date '2026-02-01', 'qualifies', {old}, 20.0, 'Big', null),
            ('d', 'recent', 1, date '2026-02-01', 'qualifies', {loaded} - interval 2 day, 0.0,
             null, null),
            ('d', 'now_paying', 1, date '2026-02-01', 'ineligible', {old}, 0.0, null,
             date '2026-02-01'),
            ('d', 'new', 1, date '2026-03-09', 'does_not_qualify', {loaded}, 0.0, null, null)
        ) as t(definition_id, entity_id, run_number, run_start, raw_state,
               last_resolved_received_at, fit_score, fit_reasons, paying_since_date)"""
    )
    con.execute(
        """create table walked as select *, 'new_business' as motion,
           14 as min_days_before_demotion, 7 as cooldown_days, 'h' as config_hash from runs"""
    )
    # stored watermark: the 'recent' entity's (8 March), less a 3-day lookback: 5 March
    runs = engine.touched_runs(con.table("walked"), "stored", 3)
    assert sorted(row[1] for row in runs.fetchall()) == [
        "fit_changed",
        "new",
        "now_paying",
        "recent",
    ]
    statuses = engine.with_entity_columns(
        con, engine.status_changes(engine.fetch_runs(runs)), runs
    ).order("entity_id")
    assert statuses.columns == ["definition_id", "entity_id", "change_date", "status"] + list(
        engine.ENTITY_COLUMNS[2:]
    )
    assert [(row[1], row[3], row[5]) for row in statuses.fetchall()] == [
        ("fit_changed", "qualified", 20.0),
        ("new", "not_qualified", 0.0),
        ("now_paying", "converted", 0.0),
        ("recent", "qualified", 0.0),
    ]
