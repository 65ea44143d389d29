"""Discovery after a real build: the frequency lift and the catalog rank the demo's numeric
behaviour (Video Watched, watched more often by high-intent users) above its frequent decoy
(Heartbeat Sent, the same rate for everyone), and the suggested definition is a valid
configuration (the config validator accepts it pasted into a project copy) whose tiers fit its
scores, and which builds and backtests pasted alone (pql_tools.discovery_check)."""

from __future__ import annotations

import pytest

from pql_tools import discovery_check
from tests.support import query, run_dbt

# The small warehouse has 60 days: a 21-day conversion window leaves a population to measure;
# a low z lets a few behaviours of so small a population pass the adjusted bound.
VARS = '{"pql_conversion_window_days": 21, "pql_lift_min_sample": 10, "pql_confidence_z": 0.5}'


@pytest.fixture(scope="module")
def discovered(built, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("discovery")
    db = work_dir / "pql.duckdb"
    db.write_bytes(built.db.read_bytes())
    run_dbt(
        [
            "build",
            "-s",
            "fct_lift_population+",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            VARS,
        ],
        db,
        work_dir,
    )
    return db


def _best(db, entity, event):
    return query(
        db,
        """select min(lift_rank), max(case when is_significant_adjusted then 1 else 0 end)
        from main_marts.rpt_signal_lift_by_frequency
        where entity = ? and feature_type = 'event' and feature_id = ?""",
        [entity, event],
    )[0]


@pytest.mark.parametrize("entity", ["user", "account"])
def test_numeric_behaviour_ranks_above_the_frequent_decoy(discovered, entity):
    video_rank, _ = _best(discovered, entity, "video_watched")
    heartbeat_rank, heartbeat_significant = _best(discovered, entity, "heartbeat_sent")
    assert video_rank is not None and heartbeat_rank is not None
    assert video_rank < heartbeat_rank
    assert heartbeat_significant == 0
    catalog = dict(
        query(
            discovered,
            """select feature_id, best_lift_rank from main_marts.rpt_event_catalog
            where entity = ? and feature_type = 'event'
            and feature_id in ('video_watched', 'heartbeat_sent')""",
            [entity],
        )
    )
    assert catalog["video_watched"] < catalog["heartbeat_sent"]


def test_doing_it_often_is_measured_where_doing_it_once_is_not(discovered):
    rows = dict(
        query(
            discovered,
            """select cutoff_label, lift_rank from main_marts.rpt_signal_lift_by_frequency
            where entity = 'user' and feature_id = 'video_watched'""",
        )
    )
    # nearly every user watches a video: "at least once" ranks far below its best cut-off
    assert rows["at_least_once"] > min(
        rank for label, rank in rows.items() if label != "at_least_once"
    )


def test_suggested_definition_passes_the_config_validator(discovered, tmp_path):
    rows = discovery_check.suggested_rows(discovered)
    assert all(rows[seed] for seed in discovery_check.CONFIG_SEEDS)
    project = discovery_check.copy_project(tmp_path / "project")
    discovery_check.paste(project, rows)
    discovery_check.check_config(project)  # raises with the validator's problems


def test_suggested_tiers_fit_the_suggested_scores(discovered):
    """One band set for both grains, ordered hot > warm (the threshold) > cool > cold (0), and
    every entity-week of each grain's point-in-time panel in exactly one band."""
    tiers = query(
        discovered,
        """select entity, tier, min_score, entity_count
        from main_marts.rpt_suggested_tiers order by entity, tier_order""",
    )
    thresholds = {
        entity: threshold
        for entity, threshold in query(
            discovered,
            "select entity, score_threshold from main_marts.rpt_suggested_definitions",
        )
    }
    populations = dict(
        query(
            discovered,
            "select entity, count(*) from main_marts.fct_suggestion_panel group by entity",
        )
    )
    assert thresholds
    for entity, threshold in thresholds.items():
        bands = [row for row in tiers if row[0] == entity]
        assert [row[1] for row in bands] == ["hot", "warm", "cool", "cold"]
        scores = [row[2] for row in bands]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
        assert scores[1] == threshold and scores[3] == 0
        assert sum(row[3] for row in bands) == populations[entity]
    # the same pql_tiers.csv rows for every grain
    assert len({(row[1], row[2]) for row in tiers}) == 4


def test_selection_keeps_the_flagged_budget_and_any_signal_qualifies(discovered):
    """On a real build: the greedy steps only add flagged entity-weeks, stay within the flagged
    budget, each increment converts above the base rate, and every suggested weight reaches
    the threshold alone, so the definition flags exactly the selection's union."""
    steps = query(
        discovered,
        """select entity, step, flagged_count, flagged_share, new_lift_low, new_flagged_count
        from main_marts.rpt_suggested_signal_steps order by entity, step""",
    )
    assert steps
    for entity in {row[0] for row in steps}:
        rows = [row for row in steps if row[0] == entity]
        assert [row[1] for row in rows] == list(range(1, len(rows) + 1))
        flagged = [row[2] for row in rows]
        assert flagged == sorted(flagged) and len(set(flagged)) == len(flagged)
        assert all(row[3] <= 0.25 and row[4] > 1 and row[5] >= 10 for row in rows)
    weights = query(
        discovered,
        """select signals.weight, definitions.score_threshold
        from main_marts.rpt_suggested_signals as signals
        inner join main_marts.rpt_suggested_definitions as definitions
            on signals.definition_id = definitions.definition_id""",
    )
    assert weights and all(weight >= threshold for weight, threshold in weights)
    # the definition flags on the panel what the last selected step flags
    flagged = query(
        discovered,
        """select definitions.flagged_count, max(steps.flagged_count)
        from main_marts.rpt_suggested_definitions as definitions
        inner join main_marts.rpt_suggested_signal_steps as steps
            on definitions.entity = steps.entity and steps.is_selected
        group by definitions.flagged_count""",
    )
    assert flagged and all(scored == selected for scored, selected in flagged)


def test_pasted_suggestion_builds_and_backtests(discovered, tmp_path):
    """What `python -m pql_tools.discovery_check` does after the first build: only the
    suggested rows as configuration, everything downstream rebuilt (data tests included), and
    the backtest panel measures each suggested definition point in time."""
    db = tmp_path / "pql.duckdb"
    db.write_bytes(discovered.read_bytes())
    rows, measured = discovery_check.run(
        db, tmp_path / "check", VARS, already_built=True, log=lambda _: None
    )
    definitions = {row[0] for row in rows["pql_definitions"]}
    assert {m.definition_id for m in measured} == definitions
    configured = {
        definition_id
        for (definition_id,) in query(
            db, "select distinct definition_id from main_intermediate.int_pql_config_validated"
        )
    }
    assert configured == definitions
    for m in measured:
        assert m.entity_weeks > 0 and m.conversions > 0
        assert 0 < m.flagged_share < 1
        assert m.top_rate is not None and m.bottom_rate is not None
        # the top tier is the highest band holding entity-weeks (hot, or warm when no
        # entity-week scores above the threshold)
        assert m.top_tier in ("hot", "warm") and m.bottom_tier == "cold"
    assert "qualified" in discovery_check.report(measured)
