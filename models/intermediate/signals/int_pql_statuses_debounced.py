"""Anti-flapping: the one truly sequential step of the threshold engine.

One row per definition per entity per status change. The raw qualification runs
(int_pql_qualification_runs: a few per entity) are turned into status changes by a rule that
carries state from run to run (when the entity qualified, when its cooldown ends). Everything
set-based (signal values, scores, fit, eligibility, tiers, reasons) is in the SQL models around
this one. int_pql_statuses_debounced_sql is the same rule in SQL, for warehouses without Python
models; on DuckDB both are built and a data test proves they give identical rows.

Incremental per entity, like the engine's SQL models (docs/incremental_engine.md): on DuckDB an
incremental run walks again only the entities whose runs were recomputed since the watermark
(less pql_lookback_days) or whose fit or payment start differ from the ones stored on their
rows (touched_runs); every other entity keeps its rows. A changed configuration is removed by
the pre-hook (pql_engine_config_reset), so its entities have no stored row and are all walked
again. Each row carries its entity's inputs from the runs (ENTITY_COLUMNS), as the SQL twin.
"""

from __future__ import annotations

from datetime import date, timedelta

STATUS_QUALIFIED = "qualified"
STATUS_NOT_QUALIFIED = "not_qualified"
STATUS_CONVERTED = "converted"
STATUS_NOT_ELIGIBLE = "not_eligible"

RAW_QUALIFIES = "qualifies"
RAW_DOES_NOT = "does_not_qualify"
RAW_INELIGIBLE = "ineligible"
RAW_DISQUALIFIED = "disqualified"

RUN_COLUMNS = (
    "definition_id",
    "entity_id",
    "run_start",
    "raw_state",
    "motion",
    "min_days_before_demotion",
    "cooldown_days",
)
# What every row carries from its entity's runs (macro pql_engine_tail_inputs, and config_hash).
ENTITY_INPUTS = ("last_resolved_received_at", "fit_score", "fit_reasons", "paying_since_date")
ENTITY_COLUMNS = ("definition_id", "entity_id", *ENTITY_INPUTS, "config_hash")
# The name the runs go by in the queries below (a relation's query name; a table of the
# same name in the database would take precedence, so none is likely to exist).
RUNS_VIEW = "pql_qualification_runs_read"


def apply_anti_flapping(
    runs: list[tuple[date, str]],
    motion: str,
    min_days_before_demotion: int,
    cooldown_days: int,
) -> list[tuple[date, str]]:
    """Turn raw-state runs of one entity (start date, raw state; sorted, each lasting until the
    next) into status changes (date, status).

    - An entity qualifies on the first day its raw state qualifies, unless it is cooling down
      after a disqualification, in which case it qualifies when the cooldown ends if it still
      qualifies then.
    - A qualified entity is demoted on the first day it no longer qualifies, but never before
      it has been qualified min_days_before_demotion days; if it qualifies again by then, it
      is not demoted.
    - A disqualifier (a signal configured with disqualifies) demotes at once, without waiting
      for min_days_before_demotion; the cooldown follows as after any demotion.
    - Losing eligibility (a new-business entity converts; an expansion account stops paying)
      changes the status at once: that is not flapping.
    """
    ineligible_status = STATUS_CONVERTED if motion == "new_business" else STATUS_NOT_ELIGIBLE
    changes: list[tuple[date, str]] = []
    status: str | None = None
    qualified_since: date | None = None
    cooldown_until: date | None = None

    def set_status(day: date, new_status: str) -> None:
        nonlocal status
        if new_status != status:
            changes.append((day, new_status))
            status = new_status

    for index, (start, raw_state) in enumerate(runs):
        end = runs[index + 1][0] if index + 1 < len(runs) else None
        if raw_state == RAW_INELIGIBLE:
            set_status(start, ineligible_status)
            qualified_since = None
            continue
        if status == STATUS_QUALIFIED:
            if raw_state in (RAW_DOES_NOT, RAW_DISQUALIFIED):
                hold = 0 if raw_state == RAW_DISQUALIFIED else min_days_before_demotion
                demote_on = max(start, qualified_since + timedelta(days=hold))
                if end is None or demote_on < end:
                    set_status(demote_on, STATUS_NOT_QUALIFIED)
                    qualified_since = None
                    cooldown_until = demote_on + timedelta(days=cooldown_days)
            continue
        if raw_state == RAW_QUALIFIES:
            qualify_on = start if cooldown_until is None else max(start, cooldown_until)
            if end is None or qualify_on < end:
                if qualify_on > start:
                    set_status(start, STATUS_NOT_QUALIFIED)
                set_status(qualify_on, STATUS_QUALIFIED)
                qualified_since = qualify_on
                continue
        set_status(start, STATUS_NOT_QUALIFIED)
    return changes


def status_changes(runs: list[tuple]) -> dict[str, list]:
    """Apply anti-flapping to every (definition, entity). `runs` are rows of RUN_COLUMNS sorted
    by definition, entity and run start; the result is columns ready for an Arrow table."""
    columns: dict[str, list] = {
        "definition_id": [],
        "entity_id": [],
        "change_date": [],
        "status": [],
    }
    start = 0
    while start < len(runs):
        definition_id, entity_id, _, _, motion, min_days, cooldown = runs[start]
        end = start
        while end < len(runs) and runs[end][:2] == (definition_id, entity_id):
            end += 1
        entity_runs = [(run[2], run[3]) for run in runs[start:end]]
        for day, status in apply_anti_flapping(entity_runs, motion, int(min_days), int(cooldown)):
            columns["definition_id"].append(definition_id)
            columns["entity_id"].append(entity_id)
            columns["change_date"].append(day)
            columns["status"].append(status)
        start = end
    return columns


def fetch_runs(relation) -> list[tuple]:
    """The runs as sorted tuples: a DuckDB relation is fetched directly, a Spark or Snowpark
    DataFrame collected (the runs are compact: a few per entity)."""
    if hasattr(relation, "fetchall"):
        rows = relation.project(", ".join(RUN_COLUMNS)).fetchall()
    else:
        rows = [tuple(row) for row in relation.select(*RUN_COLUMNS).collect()]
    return sorted(rows, key=lambda row: row[:3])


def arrow_table(columns: dict[str, list]):
    """The status changes as an Arrow table (DuckDB reads it without a pandas round trip)."""
    import pyarrow as pa

    types = {"change_date": pa.date32()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in columns])
    return pa.table(columns, schema=schema)


def touched_runs(runs, this: str, lookback_days: int):
    """The runs of the entities an incremental run walks again (DuckDB relations): those with a
    run recomputed since the stored watermark less the lookback, or whose inputs are not on a
    stored row (a changed fit or payment start, a new entity; except treats nulls as equal)."""
    inputs = ", ".join(ENTITY_INPUTS)
    return runs.query(
        RUNS_VIEW,
        f"""
        select * from {RUNS_VIEW}
        where (definition_id, entity_id) in (
            select definition_id, entity_id from {RUNS_VIEW}
            where last_resolved_received_at > (
                select max(last_resolved_received_at) - to_days({int(lookback_days)})
                from {this}
            )
            union
            select definition_id, entity_id from (
                select definition_id, entity_id, {inputs} from {RUNS_VIEW}
                except
                select definition_id, entity_id, {inputs} from {this}
            )
        )
        """,
    )


def with_entity_columns(session, columns: dict[str, list], runs):
    """The status changes, registered in DuckDB from Arrow, with the columns their entity's
    runs carry (a DuckDB relation)."""
    session.register("pql_status_changes", arrow_table(columns))
    carried = ", ".join(f"entity_inputs.{column}" for column in ENTITY_COLUMNS[2:])
    return runs.query(
        RUNS_VIEW,
        f"""
        select pql_status_changes.*, {carried}
        from pql_status_changes
        inner join (select distinct {", ".join(ENTITY_COLUMNS)} from {RUNS_VIEW}) as entity_inputs
            on pql_status_changes.definition_id = entity_inputs.definition_id
            and pql_status_changes.entity_id = entity_inputs.entity_id
        """,
    )


def model(dbt, session):
    runs = dbt.ref("int_pql_qualification_runs")
    if hasattr(session, "register"):  # DuckDB: stays in DuckDB relations, Arrow in between
        if dbt.is_incremental:
            runs = touched_runs(runs, str(dbt.this), int(dbt.config.meta_get("lookback_days")))
        return with_entity_columns(session, status_changes(fetch_runs(runs)), runs)
    import pandas as pd  # Databricks, Snowflake, BigQuery take a pandas frame: every entity

    statuses = pd.DataFrame(status_changes(fetch_runs(runs)))
    inputs = pd.DataFrame(
        [tuple(row) for row in runs.select(*ENTITY_COLUMNS).distinct().collect()],
        columns=list(ENTITY_COLUMNS),
    )
    return statuses.merge(inputs, on=["definition_id", "entity_id"])
