"""Billing as stored: the same business history written as a change log and as current state
gives the same paid periods and conversion, equal to the generator's ground truth to the
millisecond; and conversion is defined once, so changing var pql_conversion_events changes the
engine's eligibility, the funnels and dim_accounts the same way as fct_revenue_events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pql_demo import generate
from tests.support import query, run_dbt

# Long enough for churn and reactivations (seed 11: four of them); only two models are built.
PERIODS_WAREHOUSE = {"accounts": 400, "days": 180, "seed": 11}
# The full build: the small warehouse of the suite, written as current state.
FULL_WAREHOUSE = {"accounts": 150, "days": 60, "seed": 7}

DBT_PERIODS = """
    select account_id, account_paid_period_number, paid_started_at, billing_shape
    from main_intermediate.int_subscription_paid_periods
    where starts_account_paid_period
    order by 1, 2
"""
TRUTH_PERIODS = """
    select group_id, period_number, paid_started_at
    from pql_demo_truth.paid_periods
    order by 1, 2
"""


@pytest.fixture(scope="module")
def period_builds(tmp_path_factory) -> dict[str, Path]:
    dbs = {}
    for shape in ("change_log", "current_state"):
        work_dir = tmp_path_factory.mktemp(shape)
        db = work_dir / "pql.duckdb"
        generate(db, billing_shape=shape, **PERIODS_WAREHOUSE)
        run_dbt(
            ["run", "-s", "stg_billing__subscriptions", "int_subscription_paid_periods"],
            db,
            work_dir,
        )
        dbs[shape] = db
    return dbs


def test_generator_plants_every_billing_history(period_builds):
    log = period_builds["change_log"]
    [(plan_changes, lapsed, free, trial_paid)] = query(
        log,
        """select
            (select count(*) from (select id from raw.subscriptions
                where plan in ('starter', 'pro', 'business')
                group by id having count(distinct plan) > 1)),
            count(*) filter (where plan = 'trial' and status = 'canceled'),
            count(*) filter (where plan = 'free'),
            count(distinct id) filter (
                where trial_ends_at is not null and plan in ('starter', 'pro', 'business'))
        from raw.subscriptions""",
    )
    [(churned, reactivated)] = query(
        log,
        """select count(*) filter (where paid_ended_at is not null),
            count(*) filter (where period_number > 1)
        from pql_demo_truth.paid_periods""",
    )
    assert min(plan_changes, lapsed, free, trial_paid, churned, reactivated) > 0
    # current state: one row per subscription, the same subscriptions
    state = period_builds["current_state"]
    # (rows without an id are planted bad rows, rejected as missing_id)
    assert query(state, "select count(id) - count(distinct id) from raw.subscriptions") == [(0,)]
    usable_ids = (
        "select count(distinct subscription_id) from main_staging.stg_billing__subscriptions "
        "where rejection_reason is null"
    )
    assert query(state, usable_ids) == query(log, usable_ids)


@pytest.mark.parametrize("shape", ["change_log", "current_state"])
def test_paid_starts_equal_truth_to_the_millisecond(period_builds, shape):
    db = period_builds[shape]
    built = query(db, DBT_PERIODS)
    assert {row[3] for row in built} == {shape}  # auto detected the shape
    truth = query(db, TRUTH_PERIODS)
    assert [row[:3] for row in built] == truth
    assert sum(1 for row in truth if row[1] > 1) >= 2  # reactivations are compared too


def test_both_shapes_give_the_same_periods(period_builds):
    sql = """select account_id, account_paid_period_number, paid_started_at, paid_ended_at
        from main_intermediate.int_subscription_paid_periods
        where starts_account_paid_period order by 1, 2"""
    assert query(period_builds["change_log"], sql) == query(period_builds["current_state"], sql)


@pytest.fixture(scope="module")
def won_only_build(tmp_path_factory) -> Path:
    """Current-state billing, full build with conversion = a won deal only."""
    work_dir = tmp_path_factory.mktemp("won_only")
    db = work_dir / "pql.duckdb"
    generate(db, billing_shape="current_state", **FULL_WAREHOUSE)
    won_only = json.dumps({"pql_conversion_events": ["opportunity_won"]})
    run_dbt(["seed"], db, work_dir)
    run_dbt(["run", "--empty", "--vars", won_only], db, work_dir)
    run_dbt(["build", "--full-refresh", "--vars", won_only], db, work_dir)
    return db


def test_conversion_var_changes_every_consumer_alike(won_only_build):
    db = won_only_build
    revenue = dict(
        query(
            db,
            """select account_id, min(occurred_at) from main_marts.fct_revenue_events
            where motion = 'new_business' and is_conversion group by 1""",
        )
    )
    assert revenue, "the warehouse needs at least one won new-business deal"
    assert query(
        db,
        """select distinct event_type from main_marts.fct_revenue_events
        where motion = 'new_business' and is_conversion""",
    ) == [("opportunity_won",)]
    # paying accounts without a won deal are not converted anywhere
    paid_only = query(
        db,
        """select count(*) from main_marts.dim_accounts
        where first_paid_at is not null and converted_at is null""",
    )[0][0]
    assert paid_only > 0
    checks = {
        "dim_accounts": "select account_id, converted_at from main_marts.dim_accounts",
        "fct_account_funnel": """select account_id, min(converted_at)
            from main_marts.fct_account_funnel group by 1""",
        "int_pql_entities": """select entity_id, paying_since_date
            from main_intermediate.int_pql_entities where entity = 'account'""",
    }
    for name, sql in checks.items():
        got = {k: v for k, v in query(db, sql) if v is not None}
        if name == "int_pql_entities":
            expected = {k: v.date() for k, v in revenue.items()}
        else:
            expected = revenue
        assert got == expected, name
    # a user converts at the first conversion of any account they belong to
    mismatched = query(
        db,
        """with expected as (
            select links.user_id, min(revenue.occurred_at) as converted_at
            from main_intermediate.int_user_accounts_linked as links
            inner join main_marts.fct_revenue_events as revenue
                on links.account_id = revenue.account_id
            where revenue.motion = 'new_business' and revenue.is_conversion
            group by 1
        )
        select count(*) from main_marts.fct_user_funnel as funnel
        full outer join expected on funnel.user_id = expected.user_id
        where funnel.converted_at is distinct from expected.converted_at
            and (funnel.user_id is not null)""",
    )
    assert mismatched == [(0,)]


def test_current_state_full_build_dates_paid_starts_from_truth(won_only_build):
    built = query(
        won_only_build,
        """select account_id, occurred_at from main_marts.fct_revenue_events
        where event_type = 'paid_subscription_started' order by 1""",
    )
    truth = query(
        won_only_build,
        "select group_id, first_paid_at from pql_demo_truth.accounts "
        "where first_paid_at is not null order by 1",
    )
    assert built == truth and len(truth) > 5
