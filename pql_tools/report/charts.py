"""The report's charts: one function per chart, each registered with its title, reading note and
the query that feeds it. A function gets the query's rows (dicts, numbers as float) and returns
a plotly figure; it is only called when there are rows (else the page shows a "no rows" panel).

Queries read the marts (and, for data health, the rejection models); `{marts}`,
`{intermediate}` and `{config}` are the schemas, filled in by the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

Rows = list[dict]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    note: str
    sql: str
    figure: Callable[[Rows], go.Figure]
    wide: bool = False


CHARTS: list[Chart] = []


def chart(key: str, title: str, note: str, sql: str, wide: bool = False):
    """Register the decorated function as a chart of the report, in declaration order."""

    def register(figure: Callable[[Rows], go.Figure]) -> Callable[[Rows], go.Figure]:
        CHARTS.append(Chart(key, title, note, sql, figure, wide))
        return figure

    return register


def by(rows: Rows, *keys: str) -> dict[tuple, Rows]:
    """Rows grouped by the values of `keys`, groups in first-seen order."""
    groups: dict[tuple, Rows] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    return groups


def col(rows: Rows, key: str) -> list:
    return [row[key] for row in rows]


def label(entity: str, definition_id: str) -> str:
    return f"{definition_id} ({entity}s)"


def layout(fig: go.Figure, **kwargs) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=kwargs.pop("height", 360),
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        **kwargs,
    )
    return fig


STEPS = (
    ("entity_count", "signed up"),
    ("activated_count", "activated"),
    ("qualified_count", "PQL / PQA"),
    ("opportunity_count", "opportunity"),
    ("won_count", "won"),
    ("converted_count", "converted"),
)
MONTHLY_ALL = "cohort_grain = 'month' and segment_name = 'all'"


@chart(
    "funnel",
    "Funnel: signup to conversion",
    "Leads of all signup months reaching each step within the conversion window; the percentage "
    "is of those who signed up.",
    "select entity, definition_id, "
    + ", ".join(f"sum({column}) as {column}" for column, _ in STEPS)
    + f" from {{marts}}.rpt_funnel_conversion where {MONTHLY_ALL} group by all order by 1, 2",
)
def funnel(rows: Rows) -> go.Figure:
    fig = go.Figure(
        [
            go.Funnel(
                name=label(row["entity"], row["definition_id"]),
                y=[name for _, name in STEPS],
                x=[row[column] for column, _ in STEPS],
                textinfo="value+percent initial",
            )
            for row in rows
        ]
    )
    return layout(fig)


@chart(
    "funnel_by_cohort",
    "Funnel by signup cohort",
    "Share of each month's signups that qualified (dotted) and converted (solid); open markers: "
    "the cohort's conversion window is not over, so its rates are still rising.",
    "select entity, definition_id, cohort_start, is_cohort_complete, qualification_rate, "
    f"conversion_rate from {{marts}}.rpt_funnel_conversion where {MONTHLY_ALL} "
    "and entity_count > 0 order by 1, 2, 3",
)
def funnel_by_cohort(rows: Rows) -> go.Figure:
    fig = go.Figure()
    for (entity, definition_id), group in by(rows, "entity", "definition_id").items():
        symbols = ["circle" if r["is_cohort_complete"] else "circle-open" for r in group]
        for column, dash in (("conversion_rate", "solid"), ("qualification_rate", "dot")):
            fig.add_scatter(
                name=f"{label(entity, definition_id)} {column.split('_')[0]}",
                x=col(group, "cohort_start"),
                y=col(group, column),
                mode="lines+markers",
                line={"dash": dash},
                marker={"symbol": symbols, "size": 9},
            )
    return layout(fig, yaxis={"tickformat": ".0%"})


@chart(
    "funnel_by_segment",
    "Conversion by segment",
    "Share of signups (all monthly cohorts together) converting within the conversion window, "
    "by segment value.",
    "select entity, definition_id, segment_name || ': ' || segment_value as segment, "
    "sum(converted_count) / sum(entity_count) as conversion_rate, sum(entity_count) as entities "
    "from {marts}.rpt_funnel_conversion where cohort_grain = 'month' and segment_name <> 'all' "
    "group by all having sum(entity_count) > 0 order by 1, 2, 3",
)
def funnel_by_segment(rows: Rows) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                name=label(entity, definition_id),
                x=col(group, "segment"),
                y=col(group, "conversion_rate"),
                customdata=col(group, "entities"),
                hovertemplate="%{x}: %{y:.1%} of %{customdata} signups",
            )
            for (entity, definition_id), group in by(rows, "entity", "definition_id").items()
        ]
    )
    return layout(fig, barmode="group", yaxis={"tickformat": ".0%"}, xaxis={"tickangle": -40})


@chart(
    "conversion_by_tier",
    "Conversion by tier",
    "Backtest: share of eligible entities converting within the backtest window, by the tier "
    "they were in that week (weeks with a complete window); hotter tiers should convert more.",
    "select p.entity, p.definition_id, coalesce(p.tier, 'not scored yet') as tier, "
    "count(*) as entity_weeks, avg(case when p.converted_within_window then 1.0 else 0.0 end) "
    "as conversion_rate, coalesce(min(cast(t.min_score as double)), -1) as tier_order "
    "from {marts}.fct_backtest_panel as p left join {config}.pql_tiers as t on p.tier = t.tier "
    "where p.is_outcome_complete group by all order by 1, 2, tier_order desc",
)
def conversion_by_tier(rows: Rows) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                name=label(entity, definition_id),
                x=col(group, "tier"),
                y=col(group, "conversion_rate"),
                customdata=col(group, "entity_weeks"),
                hovertemplate="%{x}: %{y:.1%} of %{customdata} entity-weeks",
            )
            for (entity, definition_id), group in by(rows, "entity", "definition_id").items()
        ]
    )
    return layout(fig, barmode="group", yaxis={"tickformat": ".0%"})


@chart(
    "signal_lift",
    "Signal lift (forest plot)",
    "Conversion of those who did a behaviour in their first days over those who did not, with "
    "its confidence interval; an interval wholly right of 1 means the behaviour predicts "
    "conversion. Grey: small sample.",
    "select entity, feature_id, lift, lift_ci_low, lift_ci_high, is_small_sample, lift_rank, "
    "did_count from {marts}.rpt_signal_lift where lift > 0 order by entity, lift_rank desc",
    wide=True,
)
def signal_lift(rows: Rows) -> go.Figure:
    fig = go.Figure()
    for (entity, small), group in by(rows, "entity", "is_small_sample").items():
        fig.add_scatter(
            name=f"{entity}s" + (" (small sample)" if small else ""),
            x=col(group, "lift"),
            y=[f"{entity}: {r['feature_id']}" for r in group],
            mode="markers",
            marker={"color": "#aaaaaa"} if small else {},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(r["lift_ci_high"] or r["lift"]) - r["lift"] for r in group],
                "arrayminus": [r["lift"] - (r["lift_ci_low"] or r["lift"]) for r in group],
            },
            customdata=col(group, "did_count"),
            hovertemplate="%{y}: lift %{x:.2f} (%{customdata} did it)",
        )
    fig.add_vline(x=1, line_dash="dash", line_color="#666666")
    return layout(fig, height=140 + 16 * len(rows), xaxis={"type": "log", "title": "lift"})


@chart(
    "backtest",
    "Backtest: precision and recall week by week",
    "Each week the definition is replayed as of its last day: precision = qualified that "
    "converted within the backtest window / qualified, recall = of all that converted (solid: "
    "precision, dotted: recall; weeks with a complete window).",
    "select entity, definition_id, as_of_date, precision_rate, recall_rate "
    "from {marts}.rpt_definition_backtest where is_outcome_complete order by 1, 2, 3",
)
def backtest(rows: Rows) -> go.Figure:
    fig = go.Figure()
    for (entity, definition_id), group in by(rows, "entity", "definition_id").items():
        for column, dash in (("precision_rate", "solid"), ("recall_rate", "dot")):
            fig.add_scatter(
                name=f"{label(entity, definition_id)} {column.split('_')[0]}",
                x=col(group, "as_of_date"),
                y=col(group, column),
                mode="lines+markers",
                line={"dash": dash},
            )
    return layout(fig, yaxis={"tickformat": ".0%"})


@chart(
    "threshold_curve",
    "Threshold curve",
    "Precision (solid) and recall (dotted) over the backtest at each score cut-off; the star "
    "marks the configured threshold. Hover for the weekly volume sales would get.",
    "select entity, definition_id, cutoff_score, is_configured_threshold, precision_rate, "
    "recall_rate, avg_weekly_volume from {marts}.rpt_definition_threshold_curve "
    "order by 1, 2, 3",
)
def threshold_curve(rows: Rows) -> go.Figure:
    fig = go.Figure()
    for (entity, definition_id), group in by(rows, "entity", "definition_id").items():
        configured = [r for r in group if r["is_configured_threshold"]]
        for column, dash in (("precision_rate", "solid"), ("recall_rate", "dot")):
            name = f"{label(entity, definition_id)} {column.split('_')[0]}"
            fig.add_scatter(
                name=name,
                legendgroup=name,
                x=col(group, "cutoff_score"),
                y=col(group, column),
                mode="lines",
                line={"dash": dash},
                customdata=col(group, "avg_weekly_volume"),
                hovertemplate="cut-off %{x:g}: %{y:.1%}, %{customdata:.1f} a week",
            )
            fig.add_scatter(
                name=f"{name} configured cut-off",
                legendgroup=name,
                showlegend=False,
                x=col(configured, "cutoff_score"),
                y=col(configured, column),
                mode="markers",
                marker={"symbol": "star", "size": 14, "color": "black"},
                hovertemplate="configured cut-off %{x:g}: %{y:.1%}",
            )
    return layout(fig, xaxis={"title": "score cut-off"}, yaxis={"tickformat": ".0%"})


def cohort_boxes(rows: Rows) -> go.Figure:
    """Boxes drawn from the report's percentiles: p25 to p75, the median, whisker to p90."""
    fig = go.Figure(
        [
            go.Box(
                name=label(entity, definition_id),
                x=col(group, "cohort_start"),
                q1=col(group, "p25_days"),
                median=col(group, "median_days"),
                q3=col(group, "p75_days"),
                lowerfence=col(group, "p25_days"),
                upperfence=col(group, "p90_days"),
                mean=col(group, "mean_days"),
            )
            for (entity, definition_id), group in by(rows, "entity", "definition_id").items()
        ]
    )
    return layout(fig, boxmode="group", yaxis={"title": "days"})


def time_metric_sql(metric: str) -> str:
    return (
        "select entity, definition_id, cohort_start, p25_days, median_days, p75_days, p90_days, "
        "mean_days from {marts}.rpt_time_to_pql where cohort_grain = 'month' "
        f"and metric = '{metric}' and reached_count > 0 order by 1, 2, 3"
    )


chart(
    "time_to_pql",
    "Time to PQL",
    "Days from signup to first qualification by signup month: box p25 to p75 with the median, "
    "whisker to p90. Recent cohorts only show their fast leads yet.",
    time_metric_sql("signup_to_qualified"),
)(cohort_boxes)

chart(
    "pql_to_won",
    "PQL to won",
    "Days from qualification to a won opportunity by signup month: box p25 to p75 with the "
    "median, whisker to p90.",
    time_metric_sql("qualified_to_won"),
)(cohort_boxes)


@chart(
    "pql_vs_mql",
    "PQL vs MQL",
    "Share converting within the conversion window from the clock start (qualification, MQL "
    "date or signup), with its confidence interval: PQLs should beat MQLs.",
    "select entity, definition_id, lead_group, measured_count, conversion_rate, "
    "conversion_rate_ci_low, conversion_rate_ci_high from {marts}.rpt_pql_vs_mql "
    "where measured_count > 0 order by 1, 2, "
    "case lead_group when 'pql' then 1 when 'pql_and_mql' then 2 when 'mql' then 3 else 4 end",
)
def pql_vs_mql(rows: Rows) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                name=label(entity, definition_id),
                x=col(group, "lead_group"),
                y=col(group, "conversion_rate"),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [r["conversion_rate_ci_high"] - r["conversion_rate"] for r in group],
                    "arrayminus": [
                        r["conversion_rate"] - r["conversion_rate_ci_low"] for r in group
                    ],
                },
                customdata=col(group, "measured_count"),
                hovertemplate="%{x}: %{y:.1%} of %{customdata}",
            )
            for (entity, definition_id), group in by(rows, "entity", "definition_id").items()
        ]
    )
    return layout(fig, barmode="group", yaxis={"tickformat": ".0%"})


@chart(
    "speed_to_lead",
    "Speed to lead against the SLA",
    "Bars: share of the week's qualifications with a CRM record that sales touched within the "
    "SLA. Dotted: median hours to that first touch (right axis), against the SLA line.",
    "select entity, definition_id, qualified_week, sla_hours, within_sla_share, "
    "median_hours_to_first_activity, with_crm_record_count from {marts}.rpt_speed_to_lead "
    "where with_crm_record_count > 0 order by 1, 2, 3",
)
def speed_to_lead(rows: Rows) -> go.Figure:
    fig = go.Figure()
    for (entity, definition_id), group in by(rows, "entity", "definition_id").items():
        name = label(entity, definition_id)
        fig.add_bar(
            name=f"{name} within SLA",
            x=col(group, "qualified_week"),
            y=col(group, "within_sla_share"),
            customdata=col(group, "with_crm_record_count"),
            hovertemplate="week of %{x}: %{y:.0%} of %{customdata}",
        )
        fig.add_scatter(
            name=f"{name} median hours",
            x=col(group, "qualified_week"),
            y=col(group, "median_hours_to_first_activity"),
            yaxis="y2",
            mode="lines+markers",
            line={"dash": "dot"},
        )
    sla = rows[0]["sla_hours"]
    fig.add_hline(y=sla, yref="y2", line_color="red", annotation_text=f"SLA {sla:g} h")
    return layout(
        fig,
        barmode="group",
        yaxis={"tickformat": ".0%", "range": [0, 1]},
        yaxis2={"overlaying": "y", "side": "right", "title": "hours", "rangemode": "tozero"},
    )


@chart(
    "rejected_rows",
    "Data health: rejected rows by reason",
    "Raw rows kept out of the facts, by reason and raw table: events (int_events_rejected) and "
    "CRM / billing rows (int_records_rejected).",
    "select 'events' as raw_table, rejection_reason, count(*) as row_count "
    "from {intermediate}.int_events_rejected group by all "
    "union all select raw_table, rejection_reason, count(*) "
    "from {intermediate}.int_records_rejected group by all order by 1, 3 desc",
)
def rejected_rows(rows: Rows) -> go.Figure:
    fig = go.Figure(
        [
            go.Bar(
                name=raw_table,
                y=col(group, "rejection_reason"),
                x=col(group, "row_count"),
                orientation="h",
            )
            for (raw_table,), group in by(rows, "raw_table").items()
        ]
    )
    return layout(fig, barmode="stack", xaxis={"title": "rows"}, yaxis={"automargin": True})


@chart(
    "config_health",
    "Data health: configuration checks",
    "Configured event names, page paths, signals, definitions and milestones checked against "
    "the data (rpt_config_health): warn = nothing in the data matches. Messages listed above.",
    "select check_type, status, count(*) as check_count from {marts}.rpt_config_health "
    "group by all order by 2, 1",
)
def config_health(rows: Rows) -> go.Figure:
    colors = {"ok": "#2ca02c", "warn": "#d62728"}
    fig = go.Figure(
        [
            go.Bar(
                name=status,
                x=col(group, "check_type"),
                y=col(group, "check_count"),
                marker_color=colors.get(status),
            )
            for (status,), group in by(rows, "status").items()
        ]
    )
    return layout(fig, barmode="stack", yaxis={"title": "checks"})
