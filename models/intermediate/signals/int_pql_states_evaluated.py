"""The threshold engine: evaluates every signal of every definition against its threshold,
scores entities with weights and decay, applies fit, required signals and eligibility, then
anti-flapping, and writes the full state history with tiers and human reasons.

One row per definition per entity per state interval [valid_from, valid_to): a new row starts
whenever the status, score, tier or reasons change. The state as of any date d is the row with
valid_from <= d < valid_to (valid_to null = still current).

Point in time: every input carries the date it became known (available_date), and values only
change at dates computed from those, so the row valid on d used nothing known after d.

Large data stays in the engine: the SQL below is built by pure functions and run where the data
lives. Only the compact qualification runs (a few per entity) come into Python, for the
sequential anti-flapping rule.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

STATUS_QUALIFIED = "qualified"
STATUS_NOT_QUALIFIED = "not_qualified"
STATUS_CONVERTED = "converted"
STATUS_NOT_ELIGIBLE = "not_eligible"

RAW_QUALIFIES = "qualifies"
RAW_DOES_NOT = "does_not_qualify"
RAW_INELIGIBLE = "ineligible"

REASON_LIMIT = 3
# Placeholder in reason templates, spelled so dbt does not mistake it for Jinja.
VALUE_PLACEHOLDER = "{" + "value}"


class Dialect:
    """The few expressions that differ between warehouses. (A plain class: dbt runs this file
    without registering it as a module, which dataclasses need.)"""

    def __init__(self, name: str) -> None:
        self.name = name

    def add_days(self, date_expr: str, days_expr: str) -> str:
        if self.name == "duckdb":
            return f"cast(({date_expr}) + cast(({days_expr}) as integer) as date)"
        if self.name in ("snowflake", "databricks", "spark"):
            return f"dateadd(day, {days_expr}, {date_expr})"
        raise NotImplementedError(f"add_days is not implemented for {self.name}")

    def string_agg(self, expr: str, separator: str, order_by: str) -> str:
        if self.name == "duckdb":
            return f"string_agg({expr}, '{separator}' order by {order_by})"
        if self.name == "snowflake":
            return f"listagg({expr}, '{separator}') within group (order by {order_by})"
        raise NotImplementedError(f"string_agg is not implemented for {self.name}")

    def to_text(self, expr: str) -> str:
        return f"cast({expr} as varchar)" if self.name != "spark" else f"cast({expr} as string)"


def number_literal(value: float) -> str:
    """A validated number as SQL text (never configuration text itself)."""
    return repr(float(value))


# --- 1. signal values and factor intervals ----------------------------------------------------


def signal_intervals_sql(d: Dialect, config: str, contributions: str, decay_weight: float) -> str:
    """One row per definition, signal, entity and interval [valid_from, valid_to) with the
    signal's value, whether it meets its threshold, and its weight factor: 1 while it meets the
    threshold; decay_weight for lifespan_days after it stops; else 0.

    Values are computed exactly with a sweep: every counted item is present over
    [available_date, occurred_date + window_days), and the value on a day is the sum of the
    items present then (count: events; active_days: days; distinct_*: distinct keys, whose
    overlapping spans are merged first; first_time: present from its first known event on).
    """
    leaves_on = d.add_days("c.occurred_date", "s.window_days")
    until = d.add_days("last_stop_date", "lifespan_days")
    return f"""
with
settings as (
    select distinct
        definition_id, signal_id, aggregation, window_days, threshold, lifespan_days
    from {config}
),
contrib as (
    select
        c.definition_id, c.signal_id, c.entity_id, c.occurred_date, c.available_date,
        c.distinct_key, c.event_count, s.aggregation,
        case when s.window_days is not null then {leaves_on} end as leaves_on
    from {contributions} as c
    inner join settings as s
        on c.definition_id = s.definition_id and c.signal_id = s.signal_id
),
live as (
    select * from contrib where leaves_on is null or available_date < leaves_on
),
distinct_spans as (
    select
        definition_id, signal_id, entity_id, distinct_key,
        available_date as span_start, leaves_on as span_end,
        max(leaves_on) over (
            partition by definition_id, signal_id, entity_id, distinct_key
            order by available_date, leaves_on
            rows between unbounded preceding and 1 preceding
        ) as previous_end
    from live
    where aggregation in ('distinct_users', 'distinct_property_values')
),
distinct_islands as (
    select
        *,
        sum(case when previous_end >= span_start then 0 else 1 end) over (
            partition by definition_id, signal_id, entity_id, distinct_key
            order by span_start, span_end
            rows between unbounded preceding and current row
        ) as island
    from distinct_spans
),
items as (
    select definition_id, signal_id, entity_id,
        available_date as present_from, leaves_on as present_until, event_count as item_weight
    from live where aggregation = 'count'
    union all
    select definition_id, signal_id, entity_id,
        min(available_date), leaves_on, 1
    from live where aggregation = 'active_days'
    group by definition_id, signal_id, entity_id, occurred_date, leaves_on
    union all
    select definition_id, signal_id, entity_id, min(available_date), null, 1
    from live where aggregation = 'first_time'
    group by definition_id, signal_id, entity_id
    union all
    select definition_id, signal_id, entity_id, min(span_start), max(span_end), 1
    from distinct_islands
    group by definition_id, signal_id, entity_id, distinct_key, island
),
deltas as (
    select definition_id, signal_id, entity_id, present_from as change_date,
        item_weight as delta
    from items
    union all
    select definition_id, signal_id, entity_id, present_until, -item_weight
    from items where present_until is not null
),
points as (
    select definition_id, signal_id, entity_id, change_date, sum(delta) as delta
    from deltas
    group by definition_id, signal_id, entity_id, change_date
),
valued as (
    select
        points.definition_id, points.signal_id, points.entity_id, points.change_date,
        sum(points.delta) over (
            partition by points.definition_id, points.signal_id, points.entity_id
            order by points.change_date rows between unbounded preceding and current row
        ) as signal_value,
        lead(points.change_date) over (
            partition by points.definition_id, points.signal_id, points.entity_id
            order by points.change_date
        ) as next_change_date
    from points
),
judged as (
    select
        valued.*,
        valued.signal_value >= settings.threshold as is_met,
        settings.lifespan_days
    from valued
    inner join settings
        on valued.definition_id = settings.definition_id
        and valued.signal_id = settings.signal_id
),
stops as (
    select
        *,
        case
            when not is_met and coalesce(lag(is_met) over (
                partition by definition_id, signal_id, entity_id order by change_date
            ), false) then change_date
        end as stop_date
    from judged
),
decaying as (
    select
        *,
        max(stop_date) over (
            partition by definition_id, signal_id, entity_id
            order by change_date rows between unbounded preceding and current row
        ) as last_stop_date
    from stops
),
bounded as (
    select
        *,
        case when last_stop_date is not null and lifespan_days > 0 then {until} end
            as decay_until
    from decaying
)
select definition_id, signal_id, entity_id, change_date as valid_from,
    next_change_date as valid_to, signal_value, is_met, 1.0 as factor
from bounded where is_met
union all
select definition_id, signal_id, entity_id, change_date,
    case
        when next_change_date is null or next_change_date > decay_until then decay_until
        else next_change_date
    end,
    signal_value, is_met, {number_literal(decay_weight)}
from bounded where not is_met and decay_until > change_date
union all
select definition_id, signal_id, entity_id,
    case when decay_until > change_date then decay_until else change_date end,
    next_change_date, signal_value, is_met, 0.0
from bounded
where not is_met
    and (decay_until is null or decay_until <= change_date
        or next_change_date is null or next_change_date > decay_until)
"""


# --- 2. scores, fit, eligibility and raw qualification ----------------------------------------


def score_points_sql(
    d: Dialect, config: str, intervals: str, entities: str, attributes: str, fit_rules: str
) -> str:
    """One row per definition, entity and date on which its score, required-signal count or
    eligibility changes: behaviour score (sum of weight x factor), fit score, and the raw
    qualification before anti-flapping (qualifies / does_not_qualify / ineligible)."""
    return f"""
with
definitions as (
    select distinct
        definition_id, entity, motion, score_threshold, required_signals, min_fit_score
    from {config}
),
signal_weights as (
    select distinct
        definition_id, signal_id, weight,
        position('|' || signal_id || '|' in '|' || required_signals || '|') > 0 as is_required
    from {config}
),
required_counts as (
    select definition_id, sum(case when is_required then 1 else 0 end) as required_count
    from signal_weights group by definition_id
),
weighted as (
    select
        i.definition_id, i.entity_id, i.valid_from, i.valid_to,
        w.weight * i.factor as points,
        case when w.is_required and i.factor >= 1 then 1 else 0 end as required_firing
    from {intervals} as i
    inner join signal_weights as w
        on i.definition_id = w.definition_id and i.signal_id = w.signal_id
),
first_seen as (
    select definition_id, entity_id, min(valid_from) as first_from
    from weighted group by definition_id, entity_id
),
deltas as (
    select definition_id, entity_id, valid_from as change_date, points, required_firing
    from weighted
    union all
    select definition_id, entity_id, valid_to, -points, -required_firing
    from weighted where valid_to is not null
    union all
    -- the day an entity starts paying changes its eligibility; an entity's history starts at
    -- its first signal, so a payment before that is already reflected there
    select first_seen.definition_id, first_seen.entity_id, e.paying_since_date, 0, 0
    from first_seen
    inner join definitions as defs on first_seen.definition_id = defs.definition_id
    inner join {entities} as e
        on defs.entity = e.entity and first_seen.entity_id = e.entity_id
    where e.paying_since_date > first_seen.first_from
),
points as (
    select definition_id, entity_id, change_date,
        sum(points) as points, sum(required_firing) as required_firing
    from deltas group by definition_id, entity_id, change_date
),
running as (
    select
        definition_id, entity_id, change_date,
        round(sum(points) over (
            partition by definition_id, entity_id order by change_date
            rows between unbounded preceding and current row
        ), 6) as behaviour_score,
        sum(required_firing) over (
            partition by definition_id, entity_id order by change_date
            rows between unbounded preceding and current row
        ) as required_firing_count
    from points
),
fit_matches as (
    select
        a.entity, a.entity_id, r.rule_id, cast(r.weight as double) as weight,
        replace(r.reason, '{VALUE_PLACEHOLDER}', a.attribute_value) as reason
    from {attributes} as a
    inner join {fit_rules} as r
        on a.entity = r.entity and a.attribute_name = r.attribute
    where case r.operator
        when '=' then a.attribute_value = lower(r.value)
        when '!=' then a.attribute_value != lower(r.value)
        when '>=' then try_cast(a.attribute_value as double) >= cast(r.value as double)
        when '<=' then try_cast(a.attribute_value as double) <= cast(r.value as double)
        when '>' then try_cast(a.attribute_value as double) > cast(r.value as double)
        when '<' then try_cast(a.attribute_value as double) < cast(r.value as double)
        when 'in' then position('|' || a.attribute_value || '|' in '|' || lower(r.value) || '|') > 0
    end
),
fit as (
    select entity, entity_id, sum(weight) as fit_score,
        {d.string_agg("reason", "; ", "weight desc, rule_id")} as fit_reasons
    from fit_matches group by entity, entity_id
)
select
    running.definition_id,
    running.entity_id,
    running.change_date,
    running.behaviour_score,
    coalesce(fit.fit_score, 0) as fit_score,
    fit.fit_reasons,
    case
        when (defs.motion = 'new_business' and e.paying_since_date <= running.change_date)
            or (defs.motion = 'expansion'
                and (e.paying_since_date is null or e.paying_since_date > running.change_date))
            then '{RAW_INELIGIBLE}'
        when running.behaviour_score >= defs.score_threshold
            and running.required_firing_count >= rc.required_count
            and (defs.min_fit_score is null or coalesce(fit.fit_score, 0) >= defs.min_fit_score)
            then '{RAW_QUALIFIES}'
        else '{RAW_DOES_NOT}'
    end as raw_state
from running
inner join definitions as defs on running.definition_id = defs.definition_id
inner join required_counts as rc on running.definition_id = rc.definition_id
inner join {entities} as e on defs.entity = e.entity and running.entity_id = e.entity_id
left join fit on defs.entity = fit.entity and running.entity_id = fit.entity_id
"""


def raw_runs_sql(score_points: str) -> str:
    """Consecutive score points with the same raw state, collapsed to runs (start dates)."""
    return f"""
with marked as (
    select *,
        case when raw_state = lag(raw_state) over (
            partition by definition_id, entity_id order by change_date
        ) then 0 else 1 end as starts_run
    from {score_points}
)
select definition_id, entity_id, change_date as run_start, raw_state
from marked where starts_run = 1
order by definition_id, entity_id, change_date
"""


# --- 3. anti-flapping (pure Python over the compact runs) -------------------------------------


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
            if raw_state == RAW_DOES_NOT:
                demote_on = max(start, qualified_since + timedelta(days=min_days_before_demotion))
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


def status_changes(
    runs: list[tuple[str, str, date, str]], settings: dict[str, tuple[str, int, int]]
) -> list[dict]:
    """Apply anti-flapping to every (definition, entity); runs sorted by those and date."""
    rows = []
    for (definition_id, entity_id), group in groupby(runs, key=lambda r: (r[0], r[1])):
        motion, min_days, cooldown = settings[definition_id]
        entity_runs = [(run_start, raw_state) for _, _, run_start, raw_state in group]
        for day, status in apply_anti_flapping(entity_runs, motion, min_days, cooldown):
            rows.append(
                {
                    "definition_id": definition_id,
                    "entity_id": entity_id,
                    "change_date": day,
                    "status": status,
                }
            )
    return rows


# --- 4. history with tiers and reasons --------------------------------------------------------


def as_of_date_sql(events: str) -> str:
    """The date the history runs up to: the last day any clean event was loaded."""
    return f"select cast(max(resolved_received_at) as date) from {events}"


def history_sql(
    d: Dialect,
    config: str,
    intervals: str,
    score_points: str,
    statuses: str,
    tiers: str,
    as_of: date | None,
) -> str:
    """Join statuses, scores and signal states at every date any of them changes, up to the
    as-of date (later changes, such as a window closing tomorrow, are not history yet); render
    tiers and reasons; keep a row only where something visible changed."""
    as_of_literal = "null" if as_of is None else f"date '{as_of.isoformat()}'"
    reason = (
        "replace(replace(replace(s.reason_template, '{value}', "
        + d.to_text("cast(round(i.signal_value) as bigint)")
        + "), '{window}', coalesce("
        + d.to_text("s.window_days")
        + ", '')), '{threshold}', "
        + d.to_text("cast(round(s.threshold) as bigint)")
        + ") || case when i.factor < 1 then ' (fading)' else '' end"
    )
    return f"""
with
definitions as (
    select distinct definition_id, definition_version, entity, motion, score_threshold
    from {config}
),
signal_settings as (
    select distinct definition_id, signal_id, category, window_days, threshold, weight,
        reason_template
    from {config}
),
boundaries as (
    select * from (
        select definition_id, entity_id, change_date from {score_points}
        union
        select definition_id, entity_id, change_date from {statuses}
    ) as all_changes
    where change_date <= {as_of_literal}
),
status_asof as (
    select b.definition_id, b.entity_id, b.change_date,
        max(st.change_date) over (
            partition by b.definition_id, b.entity_id order by b.change_date
            rows between unbounded preceding and current row
        ) as status_date
    from boundaries as b
    left join {statuses} as st
        on b.definition_id = st.definition_id and b.entity_id = st.entity_id
        and b.change_date = st.change_date
),
score_asof as (
    select b.definition_id, b.entity_id, b.change_date,
        max(sp.change_date) over (
            partition by b.definition_id, b.entity_id order by b.change_date
            rows between unbounded preceding and current row
        ) as score_date
    from boundaries as b
    left join {score_points} as sp
        on b.definition_id = sp.definition_id and b.entity_id = sp.entity_id
        and b.change_date = sp.change_date
),
signal_asof as (
    select b.definition_id, b.entity_id, b.change_date, ss.signal_id,
        max(i.valid_from) over (
            partition by b.definition_id, b.entity_id, ss.signal_id order by b.change_date
            rows between unbounded preceding and current row
        ) as interval_from
    from boundaries as b
    inner join signal_settings as ss on b.definition_id = ss.definition_id
    left join {intervals} as i
        on b.definition_id = i.definition_id and b.entity_id = i.entity_id
        and ss.signal_id = i.signal_id and b.change_date = i.valid_from
),
signal_states as (
    select a.definition_id, a.entity_id, a.change_date, s.signal_id, s.weight, i.factor,
        {reason} as reason
    from signal_asof as a
    inner join {intervals} as i
        on a.definition_id = i.definition_id and a.entity_id = i.entity_id
        and a.signal_id = i.signal_id and a.interval_from = i.valid_from
    inner join signal_settings as s
        on a.definition_id = s.definition_id and a.signal_id = s.signal_id
    where i.factor > 0
),
ranked_reasons as (
    select *, row_number() over (
        partition by definition_id, entity_id, change_date
        order by weight * factor desc, signal_id
    ) as reason_rank
    from signal_states
),
reasons as (
    select definition_id, entity_id, change_date,
        {
        d.string_agg(
            "case when reason_rank <= " + str(REASON_LIMIT) + " then reason end",
            "; ",
            "reason_rank",
        )
    } as reasons,
        {d.string_agg("case when factor >= 1 then signal_id end", ", ", "reason_rank")}
            as signals_fired,
        sum(case when factor >= 1 then 1 else 0 end) as signals_fired_count
    from ranked_reasons
    group by definition_id, entity_id, change_date
),
tier_bands as (
    select tier, cast(min_score as double) as min_score from {tiers}
),
assembled as (
    select
        st.definition_id, defs.definition_version, defs.entity, defs.motion,
        st.entity_id, st.change_date as valid_from,
        status.status, sp.behaviour_score as score, defs.score_threshold,
        sp.fit_score, sp.fit_reasons,
        (select tb.tier from tier_bands as tb where tb.min_score <= sp.behaviour_score
            order by tb.min_score desc limit 1) as tier,
        coalesce(r.reasons, '') as reasons,
        coalesce(r.signals_fired, '') as signals_fired,
        coalesce(r.signals_fired_count, 0) as signals_fired_count
    from status_asof as st
    inner join score_asof as sc
        on st.definition_id = sc.definition_id and st.entity_id = sc.entity_id
        and st.change_date = sc.change_date
    inner join definitions as defs on st.definition_id = defs.definition_id
    left join {statuses} as status
        on st.definition_id = status.definition_id and st.entity_id = status.entity_id
        and st.status_date = status.change_date
    left join {score_points} as sp
        on sc.definition_id = sp.definition_id and sc.entity_id = sp.entity_id
        and sc.score_date = sp.change_date
    left join reasons as r
        on st.definition_id = r.definition_id and st.entity_id = r.entity_id
        and st.change_date = r.change_date
),
compared as (
    select *,
        lag(status) over w as previous_status,
        lag(tier) over w as previous_tier,
        lag(score) over w as previous_score,
        lag(reasons) over w as previous_reasons,
        lag(fit_score) over w as previous_fit_score
    from assembled
    window w as (partition by definition_id, entity_id order by valid_from)
),
changed as (
    select * from compared
    where previous_status is null
        or status is distinct from previous_status
        or tier is distinct from previous_tier
        or score is distinct from previous_score
        or reasons is distinct from previous_reasons
        or fit_score is distinct from previous_fit_score
)
select
    definition_id || '|' || entity_id || '|' || {d.to_text("valid_from")} as state_id,
    definition_id, definition_version, entity, motion, entity_id,
    valid_from,
    lead(valid_from) over (partition by definition_id, entity_id order by valid_from) as valid_to,
    status,
    case
        when previous_status is null and status = '{STATUS_QUALIFIED}' then 'qualified'
        when previous_status is null then 'first_seen'
        when status is distinct from previous_status and status = '{STATUS_QUALIFIED}'
            then 'qualified'
        when status is distinct from previous_status and previous_status = '{STATUS_QUALIFIED}'
            and status = '{STATUS_NOT_QUALIFIED}' then 'disqualified'
        when status is distinct from previous_status then status
        when tier is distinct from previous_tier then 'tier_changed'
        else 'score_changed'
    end as change_type,
    score, score_threshold, tier, fit_score, fit_reasons, reasons, signals_fired,
    signals_fired_count
from changed
"""


# --- engine plumbing --------------------------------------------------------------------------


def _dialect(target_type: str) -> Dialect:
    if target_type not in ("duckdb", "snowflake"):
        raise NotImplementedError(
            f"int_pql_states_evaluated has no SQL dialect for target type '{target_type}'; "
            "add one to Dialect"
        )
    return Dialect(target_type)


def _register(session, relation, name: str) -> str:
    """Expose a relation to the SQL below under `name` for this session only."""
    if hasattr(session, "register"):  # DuckDB: a temporary view, never stored in the file
        session.register(name, relation)
    else:  # Snowpark / PySpark
        relation.create_or_replace_temp_view(name)
    return name


def evaluate(session, d: Dialect, inputs: dict, decay_weight: float):
    """Run the whole engine on relations already registered under the names in `inputs`
    (config, contributions, entities, attributes, fit_rules, tiers, events); return the history
    relation. model() and the tests both call this."""
    if not 0 <= decay_weight <= 1:
        raise ValueError(f"var pql_signal_decay_weight must be between 0 and 1, got {decay_weight}")
    config = inputs["config"]
    as_of = session.sql(as_of_date_sql(inputs["events"])).fetchall()[0][0]
    session.execute(
        "create or replace temp table pql_engine_intervals as "
        + signal_intervals_sql(d, config, inputs["contributions"], decay_weight)
    )
    session.execute(
        "create or replace temp table pql_engine_scores as "
        + score_points_sql(
            d,
            config,
            "pql_engine_intervals",
            inputs["entities"],
            inputs["attributes"],
            inputs["fit_rules"],
        )
    )
    runs = session.sql(raw_runs_sql("pql_engine_scores")).fetchall()
    settings = {
        definition_id: (motion, int(min_days), int(cooldown))
        for definition_id, motion, min_days, cooldown in session.sql(
            f"select distinct definition_id, motion, min_days_before_demotion, cooldown_days "
            f"from {config}"
        ).fetchall()
    }
    import pyarrow as pa

    statuses = pa.Table.from_pylist(
        status_changes(runs, settings),
        schema=pa.schema(
            [
                ("definition_id", pa.string()),
                ("entity_id", pa.string()),
                ("change_date", pa.date32()),
                ("status", pa.string()),
            ]
        ),
    )
    _register(session, statuses, "pql_engine_statuses")
    return session.sql(
        history_sql(
            d,
            config,
            "pql_engine_intervals",
            "pql_engine_scores",
            "pql_engine_statuses",
            inputs["tiers"],
            as_of,
        )
    )


def model(dbt, session):
    dbt.config(materialized="table")
    # dbt reads refs from literal calls, so each input is named here.
    relations = {
        "config": dbt.ref("int_pql_config_validated"),
        "contributions": dbt.ref("int_signal_contributions_daily"),
        "entities": dbt.ref("int_pql_entities"),
        "attributes": dbt.ref("int_pql_entity_attributes"),
        "fit_rules": dbt.ref("pql_fit_rules"),
        "tiers": dbt.ref("pql_tiers"),
        "events": dbt.ref("int_events_deduplicated"),
    }
    inputs = {
        key: _register(session, relation, f"pql_engine_{key}")
        for key, relation in relations.items()
    }
    return evaluate(
        session,
        _dialect(dbt.config.get("target_type")),
        inputs,
        float(dbt.config.get("decay_weight")),
    )
