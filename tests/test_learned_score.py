"""The learned score (docs/learned_score.md): point-in-time features, the time split, refusal
below the sample minimum, the leakage flag, factors in words, and reproducible builds."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from tests.model_code import load_model
from tests.support import REPO_ROOT, query, run_dbt, scalar
from tests.test_point_in_time import copy_raw_as_of

learned = load_model("models/intermediate/learned_score/int_learned_score_fitted.py")

# Enough examples on the small warehouse: a one-week outcome window and a low minimum.
TRAINABLE_VARS = "{pql_learned_score_min_examples: 10, pql_backtest_window_days: 7}"
RETRAIN_SELECTION = [
    "fct_backtest_panel",
    "int_learned_score_points",
    "int_learned_score_features",
    "int_learned_score_fitted",
    "int_learned_scores",
    "rpt_learned_score_validation",
    "dim_pql_leads",
]


# --- synthetic data for the pure functions -----------------------------------------------------


def synthetic(n_weeks=12, per_week=120, seed=3, leaky=False):
    """A panel where projects created raise conversion and days since last activity lower it;
    optionally a planted feature that is the outcome itself."""
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 4)
    points, values = [], {}
    for week in range(n_weeks):
        as_of = start + timedelta(days=7 * week)
        for i in range(per_week):
            entity_id = f"u{week:02d}_{i:03d}"
            projects = int(rng.integers(0, 10))
            idle = int(rng.integers(0, 30))
            noise = float(rng.normal())
            logit = -2.0 + 0.6 * projects - 0.15 * idle
            converted = bool(rng.random() < 1 / (1 + np.exp(-logit)))
            points.append(
                {
                    "point_kind": "panel",
                    "entity": "user",
                    "entity_id": entity_id,
                    "as_of_date": as_of,
                    "rule_is_qualified": projects >= 6,
                    "rule_score": 30.0 if projects >= 6 else 0.0,
                    "is_converted": converted,
                    "is_outcome_complete": True,
                }
            )
            row = {
                "signal:projects_created": projects,
                "recency:days_since_last_activity": idle,
                "usage:event_count_7d": abs(noise) * 10,
            }
            if leaky:
                row["usage:leaky"] = 1.0 if converted else 0.0
            values[(entity_id, as_of)] = {k: v for k, v in row.items() if v}
    known = date(2026, 4, 1)
    points.append(
        {
            "point_kind": "current",
            "entity": "user",
            "entity_id": "known_user",
            "as_of_date": known,
            "rule_is_qualified": True,
            "rule_score": 30.0,
            "is_converted": None,
            "is_outcome_complete": False,
        }
    )
    values[("known_user", known)] = {
        "signal:projects_created": 9,
        "recency:days_since_last_activity": 29,
        "usage:event_count_7d": 5,
    }
    return points, learned.Features.from_mapping(values)


CATALOG = {
    "signal:projects_created": {
        "template": "Created {value} projects in the last {window} days",
        "window": 14,
        "aggregation": "count",
    }
}
SIGNALS = {"signal:projects_created": {"threshold": 4, "weight": 30.0}}


def by_type(records, record_type):
    return [r for r in records if r["record_type"] == record_type]


def test_split_keeps_every_training_outcome_before_the_held_out_weeks():
    weeks = [date(2026, 1, 4) + timedelta(days=7 * i) for i in range(10)]
    training, validation = learned.split_weeks(weeks, 0.3, 14)
    assert validation == weeks[-3:]
    assert training == weeks[:6]
    assert all((validation[0] - d).days >= 14 for d in training)


def test_refuses_below_the_minimum_with_a_clear_message():
    points, values = synthetic(n_weeks=8, per_week=40)
    settings = learned.Settings(min_examples=100, window_days=7)
    records = learned.evaluate_definition("d", points, values, CATALOG, SIGNALS, settings)
    assert [r["record_type"] for r in records] == ["validation"]
    report = records[0]
    assert report["status"] == "refused"
    positives = report["train_positives"]
    negatives = report["train_rows"] - positives
    assert positives < 100 or negatives < 100
    assert f"have {positives} converting and {negatives} non-converting" in report["message"]
    assert "var pql_learned_score_min_examples" in report["message"]
    # the same data trains once the minimum is met
    settings = learned.Settings(min_examples=5, window_days=7)
    records = learned.evaluate_definition("d", points, values, CATALOG, SIGNALS, settings)
    assert by_type(records, "validation")[0]["status"] == "trained"


def test_a_planted_leaky_feature_is_flagged_and_left_out():
    points, values = synthetic(leaky=True)
    settings = learned.Settings(min_examples=20, window_days=7)
    records = learned.evaluate_definition("d", points, values, CATALOG, SIGNALS, settings)
    report = by_type(records, "validation")[0]
    assert report["status"] == "trained"
    assert report["leakage_features"] == "usage:leaky"
    assert "usage:leaky" in report["message"]
    features = {r["feature_name"]: r for r in by_type(records, "feature")}
    assert features["usage:leaky"]["is_leakage_suspect"]
    assert not features["usage:leaky"]["is_used"]
    assert features["usage:leaky"]["single_feature_auc"] > 0.95
    honest = [n for n, r in features.items() if n != "usage:leaky"]
    assert not any(features[n]["is_leakage_suspect"] for n in honest)
    assert all(features[n]["is_used"] for n in honest)


def test_factors_in_words_for_a_known_entity():
    points, values = synthetic()
    settings = learned.Settings(min_examples=20, window_days=7)
    records = learned.evaluate_definition("d", points, values, CATALOG, SIGNALS, settings)
    report = by_type(records, "validation")[0]
    assert report["status"] == "trained"
    assert report["model_auc"] > report["rule_auc"] - 0.05
    (score,) = [r for r in by_type(records, "score") if r["entity_id"] == "known_user"]
    assert score["top_positive_factors"].split("; ")[0] == "Created 9 projects in the last 14 days"
    assert score["top_negative_factor"] == "Last active 29 days ago"
    assert 0 < score["probability"] < 1
    # weights advice: the signal that drives conversion gets points
    advice = [r for r in by_type(records, "feature") if r["feature_name"] in SIGNALS]
    assert advice[0]["current_weight"] == 30.0
    assert advice[0]["suggested_weight"] == 30


def test_gradient_boosting_is_an_option_with_the_same_outputs():
    points, values = synthetic()
    settings = learned.Settings(model_kind="gradient_boosting", min_examples=20, window_days=7)
    records = learned.evaluate_definition("d", points, values, CATALOG, SIGNALS, settings)
    report = by_type(records, "validation")[0]
    assert report["status"] == "trained"
    assert report["model_kind"] == "gradient_boosting"
    assert report["model_auc"] > 0.7
    (score,) = [r for r in by_type(records, "score") if r["entity_id"] == "known_user"]
    assert "Created 9 projects in the last 14 days" in score["top_positive_factors"]
    with pytest.raises(ValueError, match="pql_learned_score_model"):
        learned.Settings(model_kind="forest")


def test_describe_reads_like_a_sentence():
    catalog = {
        "signal:integration_connected": {
            "template": "Connected an integration",
            "aggregation": "first_time",
        },
        "milestone:first_project": {"description": "Created a first project."},
    }
    assert learned.describe("signal:integration_connected", 0, catalog) == (
        "Not yet: connected an integration"
    )
    assert learned.describe("milestone:first_project", 1, catalog) == "Created a first project"
    active = learned.describe("usage:active_day_count_30d", 4, {})
    assert active == "Active on 4 of the last 30 days"
    assert learned.describe("fit:persona=founder", 1, {}) == "Persona is founder"
    assert learned.describe("team:seat_growth_7d", 2, {}) == "Seats grew by 2 in the last 7 days"


def test_ties_in_the_rules_score_are_counted_at_their_rate():
    # four rows tied at the cut, two of them converting: the top 3 hold 1 + 2 x 2/4
    scores = [9, 5, 5, 5, 5, 0]
    labels = [1, 1, 0, 1, 0, 0]
    assert learned.expected_positives_in_top(scores, labels, 3) == pytest.approx(2.0)


def test_bands_follow_the_cut_points():
    cuts = [90, 75, 50]
    assert [learned.band(p, cuts) for p in (95, 80, 60, 10)] == [
        "top_10pct",
        "top_25pct",
        "top_50pct",
        "bottom_50pct",
    ]


CONFIG_ROWS = [
    {
        "definition_id": "d",
        "signal_id": "projects_created",
        "threshold": 4,
        "weight": 30.0,
        "reason_template": "Created {value} projects in the last {window} days",
        "window_days": 14,
        "aggregation": "count",
    }
]


def test_a_refit_is_due_on_the_cadence_a_config_change_or_without_a_fit():
    fitted = {"fit_fingerprint": "abc", "fitted_as_of_date": date(2026, 4, 1)}
    reason = learned.refit_reason
    assert reason(None, "abc", date(2026, 4, 2), 7) == "no earlier fit"
    assert "configuration changed" in reason(fitted, "xyz", date(2026, 4, 2), 7)
    assert reason(fitted, "abc", date(2026, 4, 1), 7) is None
    assert reason(fitted, "abc", date(2026, 4, 7), 7) is None
    assert "7 days old (var pql_learned_score_refit_days: 7)" in reason(
        fitted, "abc", date(2026, 4, 8), 7
    )
    assert "before the last fit" in reason(fitted, "abc", date(2026, 3, 30), 7)
    assert reason(fitted, "abc", date(2026, 4, 1), 0) is not None  # 0: every run
    with pytest.raises(ValueError, match="pql_learned_score_refit_days"):
        learned.Settings(refit_days=-1)


def test_a_kept_fit_scores_a_new_day_as_a_refit_on_the_same_cutoff_would():
    """Day 1 fits; day 2 (new current points, refit not due) keeps the fit and scores the new
    day with it: the scores equal those of the day-1 inputs' fit applied to day 2's entities,
    and the fit records are the same. Once due, or with another configuration, it refits."""
    points, values = synthetic()
    settings = learned.Settings(min_examples=20, window_days=7, refit_days=7)
    day1 = date(2026, 4, 1)
    first = learned.learned_score_records(
        ["d"], lambda _: (points, values), CONFIG_ROWS, [], settings, as_of=day1
    )
    (model_record,) = by_type(first, "model")
    assert model_record["status"] == "trained"
    assert model_record["fitted_as_of_date"] == day1
    assert model_record["message"] == "refitted: no earlier fit"

    day2 = day1 + timedelta(days=1)
    current = [
        {**p, "entity_id": f"new_{i}", "as_of_date": day2}
        for i, p in enumerate([p for p in points if p["point_kind"] == "current"] * 3)
    ]
    current_values = learned.Features.from_mapping(
        {
            (p["entity_id"], day2): {"signal:projects_created": i * 3, "usage:event_count_7d": i}
            for i, p in enumerate(current)
        }
    )

    def no_full_load(_):
        raise AssertionError("a kept fit must not load the training data")

    previous = [r for r in first if r["record_type"] != "score"]
    kept = learned.learned_score_records(
        ["d"],
        no_full_load,
        CONFIG_ROWS,
        [],
        settings,
        previous=previous,
        load_current=lambda _: (current, current_values),
        as_of=day2,
    )
    (kept_model,) = by_type(kept, "model")
    assert kept_model["message"].startswith("kept the fit of 2026-04-01")
    assert kept_model["model_state"] == model_record["model_state"]
    for record_type in learned.FIT_RECORD_TYPES:
        assert by_type(kept, record_type) == by_type(first, record_type)

    _, state = learned.fit_definition(
        "d",
        points,
        values,
        CATALOG,
        {"signal:projects_created": SIGNALS["signal:projects_created"]},
        settings,
    )
    expected = learned.score_definition("d", state, current, current_values, CATALOG, settings)
    assert len(expected) == 3
    assert by_type(kept, "score") == expected
    assert [r["as_of_date"] for r in expected] == [day2] * 3

    due = day1 + timedelta(days=7)
    refitted = learned.learned_score_records(
        ["d"], lambda _: (points, values), CONFIG_ROWS, [], settings, previous=previous, as_of=due
    )
    assert "is 7 days old" in by_type(refitted, "model")[0]["message"]
    reconfigured = [{**CONFIG_ROWS[0], "threshold": 5}]
    changed = learned.learned_score_records(
        ["d"], lambda _: (points, values), reconfigured, [], settings, previous=previous, as_of=day2
    )
    assert "configuration changed" in by_type(changed, "model")[0]["message"]
    removed = learned.learned_score_records(
        [], no_full_load, [], [], settings, previous=previous, as_of=day2
    )
    assert [(r["record_type"], r["status"]) for r in removed] == [("model", "removed")]


def test_the_enabled_switch_names_the_targets_of_the_macro():
    macro = (REPO_ROOT / "macros/pql_python_models_supported.sql").read_text()
    models = REPO_ROOT / "models/intermediate/learned_score/_int_learned_score__models.yml"
    enabled = re.search(r"enabled: .*target\.type in (\[[^\]]*\])", models.read_text()).group(1)
    assert re.search(r"target\.type in (\[[^\]]*\])", macro).group(1) == enabled


# --- builds ------------------------------------------------------------------------------------


def test_the_small_warehouse_refuses_and_the_marts_stay_null(built):
    """Default minimum (100) on the small warehouse: every definition is refused with its
    reason, no entity is scored, and the PQL/PQA marts build with null learned columns."""
    rows = query(
        built.db,
        "select status, message, train_positives, train_rows, validation_positives, "
        "validation_rows from main_marts.rpt_learned_score_validation",
    )
    assert len(rows) == 3
    for status, message, tp, tr, vp, vr in rows:
        assert status == "refused"
        assert min(tp, tr - tp, vp, vr - vp) < 100
        assert "var pql_learned_score_min_examples" in message
    assert scalar(built.db, "select count(*) from main_intermediate.int_learned_scores") == 0
    assert scalar(built.db, "select count(*) from main_marts.dim_pql_leads") > 0
    assert (
        scalar(
            built.db,
            "select count(*) from main_marts.dim_pql_leads where learned_probability is not null",
        )
        == 0
    )


@pytest.fixture(scope="module")
def truncated_features(built, small_raw, tmp_path_factory):
    """The features built from only the data loaded by a date 15 days before the end."""
    last_load = scalar(small_raw, "select max(received_at) from raw.tracks").date()
    as_of = last_load - timedelta(days=15)
    work_dir = tmp_path_factory.mktemp("learned_truncated")
    db = work_dir / "pql.duckdb"
    copy_raw_as_of(small_raw, db, as_of)
    run_dbt(["seed"], db, work_dir)
    run_dbt(["run", "--select", "+int_learned_score_features"], db, work_dir)
    return db, as_of


def test_features_from_truncated_data_are_equal(built, truncated_features):
    db, as_of = truncated_features
    key = "definition_id, entity_id, as_of_date"
    with duckdb.connect(str(db)) as con:
        con.execute(f"attach '{built.db}' as full_build (read_only)")
        con.execute(
            f"""create temp table shared_keys as
            select distinct {key} from main_intermediate.int_learned_score_points
            intersect
            select distinct {key} from full_build.main_intermediate.int_learned_score_points"""
        )
        features = f"""
            select f.definition_id, f.entity_id, f.as_of_date, f.feature_name, f.feature_value
            from {{}}.int_learned_score_features as f
            inner join shared_keys using ({key})"""
        then = features.format("main_intermediate")
        full = features.format("full_build.main_intermediate")
        compared = con.execute(f"select count(*) from ({then})").fetchone()[0]
        kinds = con.execute(
            f"select count(distinct split_part(feature_name, ':', 1)) from ({then})"
        ).fetchone()[0]
        latest = con.execute("select max(as_of_date) from shared_keys").fetchone()[0]
        only_truncated = con.execute(f"select * from ({then} except all {full}) limit 5")
        only_truncated = only_truncated.fetchall()
        only_full = con.execute(f"select * from ({full} except all {then}) limit 5").fetchall()
    assert compared > 1000
    assert kinds == 6  # signal, usage, team, milestone, fit, recency
    assert latest <= as_of
    assert only_truncated == []
    assert only_full == []


@pytest.fixture(scope="module")
def trained_twice(built, tmp_path_factory):
    """A copy of the small warehouse retrained with a low minimum, then run again on the same
    data (no refit due: the fit is kept), then fully refreshed (refitted); scores after each,
    and the model records' messages."""
    work_dir = tmp_path_factory.mktemp("learned_twice")
    db = work_dir / "pql.duckdb"
    shutil.copyfile(built.db, db)
    scores, messages = [], []
    for extra in ([], [], ["--full-refresh"]):
        run_dbt(
            ["run", "--select", *RETRAIN_SELECTION, "--vars", TRAINABLE_VARS, *extra], db, work_dir
        )
        scores.append(
            query(
                db,
                "select definition_id, entity_id, probability, percentile, band, "
                "top_positive_factors, top_negative_factor "
                "from main_intermediate.int_learned_scores order by definition_id, entity_id",
            )
        )
        messages.append(
            query(
                db,
                "select definition_id, status, message from main_intermediate."
                "int_learned_score_fitted where record_type = 'model' order by definition_id",
            )
        )
    return db, scores, messages


def test_two_builds_give_identical_scores(trained_twice):
    """Refitted twice on the same data (the first run and a full refresh), and kept in between
    (no refit due): the same scores each time, so a kept fit scores as a refit on the same data
    cutoff does."""
    db, (first, kept, refitted), (_, kept_messages, refit_messages) = trained_twice
    assert len(first) > 50
    assert first == refitted
    assert kept == first
    trained = [m for m in kept_messages if m[1] == "trained"]
    assert trained
    assert all(m[2].startswith("kept the fit of ") for m in kept_messages)
    assert all(m[2] == "refitted: no earlier fit" for m in refit_messages)
    trained = query(
        db,
        "select definition_id from main_marts.rpt_learned_score_validation "
        "where status = 'trained'",
    )
    assert trained
    assert all(row[5] for row in first)  # every scored entity has factors in words
    carried = scalar(
        db, "select count(*) from main_marts.dim_pql_leads where learned_probability is not null"
    )
    assert carried > 0


def test_switched_off_the_marts_build_with_typed_null_columns(built, tmp_path):
    """var pql_learned_score_enabled false (as on a target without Python models): the Python
    model is disabled, its readers are typed and empty, the marts keep null learned columns."""
    db = tmp_path / "pql.duckdb"
    shutil.copyfile(built.db, db)
    run_dbt(
        [
            "run",
            "--select",
            "int_learned_scores",
            "rpt_learned_score_validation",
            "dim_pqa_accounts",
            "--vars",
            "{pql_learned_score_enabled: false}",
        ],
        db,
        tmp_path,
    )
    assert scalar(db, "select count(*) from main_marts.rpt_learned_score_validation") == 0
    types = dict(
        query(
            db,
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'int_learned_scores'",
        )
    )
    assert types["probability"] == "DECIMAL(28,6)"
    assert types["as_of_date"] == "DATE"
    rows = query(db, "select count(*), count(learned_band) from main_marts.dim_pqa_accounts")
    assert rows[0][0] > 0
    assert rows[0][1] == 0
