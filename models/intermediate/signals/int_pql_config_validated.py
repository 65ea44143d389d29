"""Validate the business configuration of PQL/PQA definitions before anything uses it.

Reads the seeds pql_definitions, pql_signals, pql_tiers and pql_fit_rules (loaded as text), checks
every row, and fails the run with one message listing every problem by file, line and column.
Returns one row per signal per event name it counts, with the definition's settings and its
`definition_version` (a hash of the definition's own row and its signals).

Configuration values never become SQL text: downstream models join this table as data.
"""

from __future__ import annotations

import hashlib
import json
import re

SEED_FILES = {
    "definitions": "seeds/pql_definitions.csv",
    "signals": "seeds/pql_signals.csv",
    "tiers": "seeds/pql_tiers.csv",
    "fit_rules": "seeds/pql_fit_rules.csv",
}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
JSON_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A host as the clean stream stores it (page_host): lower-case DNS labels joined by dots.
HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
PAGE_EVENT = "page_viewed"
# Optional columns added to the seeds after their first release: they enter definition_version
# only when set, so adding the column to a CSV does not re-version every definition.
LATER_OPTIONAL_COLUMNS = {"signals": ("page_host",)}
ENTITIES = ("user", "account")
MOTIONS = ("new_business", "expansion")
CATEGORIES = ("activation", "usage", "expansion", "intent", "fit")
AGGREGATIONS = ("count", "active_days", "distinct_users", "distinct_property_values", "first_time")
REASON_PLACEHOLDERS = {"value", "window", "threshold"}
FIT_ATTRIBUTES = {
    "user": {"is_personal_email", "persona", "signup_source", "job_title", "email_domain"},
    "account": {"employee_count", "industry", "country"},
}
FIT_OPERATORS = ("=", "!=", ">=", "<=", ">", "<", "in")
NUMERIC_OPERATORS = (">=", "<=", ">", "<")

OUTPUT_COLUMNS = (
    "signal_event_key",
    "definition_id",
    "definition_version",
    "entity",
    "motion",
    "score_threshold",
    "required_signals",
    "min_fit_score",
    "min_days_before_demotion",
    "cooldown_days",
    "signal_id",
    "category",
    "event_name",
    "property_filter_key",
    "property_filter_value",
    "page_path_prefix",
    "page_host",
    "aggregation",
    "property_key",
    "window_days",
    "threshold",
    "weight",
    "lifespan_days",
    "reason_template",
)


class ConfigError(ValueError):
    """Raised with every problem found, one per line."""


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, seed: str, index: int, row: dict, column: str, problem: str) -> None:
        key = next((f"{k}={row[k]}" for k in _ROW_KEYS[seed] if row.get(k)), "")
        where = f"{SEED_FILES[seed]} line {index + 2}" + (f" ({key})" if key else "")
        self.lines.append(f"{where}, column {column}: {problem}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise ConfigError("invalid PQL configuration:\n  " + "\n  ".join(self.lines))


_ROW_KEYS = {
    "definitions": ("definition_id",),
    "signals": ("definition_id", "signal_id"),
    "tiers": ("tier",),
    "fit_rules": ("rule_id",),
}


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def parse_number(text: str) -> float | None:
    """A finite decimal number, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def parse_whole(text: str) -> int | None:
    """A non-negative whole number written as digits, or None."""
    return int(text) if re.fullmatch(r"\d+", text) else None


def parse_property_filter(text: str) -> tuple[str, str] | None:
    """`key = value` -> (key, value); None when it is not of that shape."""
    if text.count("=") != 1:
        return None
    key, value = (part.strip() for part in text.split("="))
    if not JSON_KEY.match(key) or not value:
        return None
    return key, value


def host_problem(host: str) -> str | None:
    """Why `host` is not a page host as the clean stream stores it, or None when it is one."""
    if "/" in host or ":" in host:
        return f"'{host}' must be a host only (e.g. app.example.com), without scheme, port or path"
    if host.lower().startswith("www."):
        return f"'{host}': hosts are stored without a leading www., write '{host[4:].lower()}'"
    if not HOST.match(host):
        return f"'{host}' is not a lower-case host name (e.g. app.example.com)"
    return None


def reason_placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{([^{}]*)\}", template))


def _required(problems, seed, index, row, column) -> str:
    value = _text(row, column)
    if not value:
        problems.add(seed, index, row, column, "is required")
    return value


def _validate_definitions(rows, defaults, problems) -> dict[str, dict]:
    definitions: dict[str, dict] = {}
    for index, row in enumerate(rows):
        definition_id = _required(problems, "definitions", index, row, "definition_id")
        if definition_id and not IDENTIFIER.match(definition_id):
            problems.add(
                "definitions",
                index,
                row,
                "definition_id",
                f"'{definition_id}' must be snake_case (a-z, 0-9, _)",
            )
        if definition_id in definitions:
            problems.add(
                "definitions",
                index,
                row,
                "definition_id",
                f"duplicate definition id '{definition_id}'",
            )
        entity = _required(problems, "definitions", index, row, "entity")
        if entity and entity not in ENTITIES:
            problems.add(
                "definitions",
                index,
                row,
                "entity",
                f"unknown entity '{entity}'; expected one of {', '.join(ENTITIES)}",
            )
        motion = _required(problems, "definitions", index, row, "motion")
        if motion and motion not in MOTIONS:
            problems.add(
                "definitions",
                index,
                row,
                "motion",
                f"unknown motion '{motion}'; expected one of {', '.join(MOTIONS)}",
            )
        if motion == "expansion" and entity == "user":
            problems.add(
                "definitions",
                index,
                row,
                "motion",
                "the expansion motion is for accounts (paying workspaces), not users",
            )
        threshold_text = _required(problems, "definitions", index, row, "score_threshold")
        threshold = parse_number(threshold_text)
        if threshold_text and (threshold is None or threshold < 0):
            problems.add(
                "definitions",
                index,
                row,
                "score_threshold",
                f"'{threshold_text}' is not a non-negative number",
            )
        min_fit_text = _text(row, "min_fit_score")
        min_fit = parse_number(min_fit_text) if min_fit_text else None
        if min_fit_text and (min_fit is None or min_fit < 0):
            problems.add(
                "definitions",
                index,
                row,
                "min_fit_score",
                f"'{min_fit_text}' is not a non-negative number",
            )
        settings = {}
        for column, default in (
            ("min_days_before_demotion", defaults["min_days_before_demotion"]),
            ("cooldown_days", defaults["cooldown_days"]),
        ):
            text = _text(row, column)
            settings[column] = parse_whole(text) if text else int(default)
            if settings[column] is None:
                problems.add(
                    "definitions", index, row, column, f"'{text}' is not a whole number of days"
                )
        required = [s.strip() for s in _text(row, "required_signals").split("|") if s.strip()]
        definitions[definition_id] = {
            "definition_id": definition_id,
            "entity": entity,
            "motion": motion,
            "score_threshold": threshold,
            "required_signals": required,
            "min_fit_score": min_fit,
            "index": index,
            "row": row,
            **settings,
        }
    return definitions


def _validate_signal(index, row, definitions, problems) -> dict | None:
    seed = "signals"
    definition_id = _required(problems, seed, index, row, "definition_id")
    definition = definitions.get(definition_id)
    if definition_id and definition is None:
        problems.add(
            seed,
            index,
            row,
            "definition_id",
            f"unknown definition '{definition_id}' (not in {SEED_FILES['definitions']})",
        )
    signal_id = _required(problems, seed, index, row, "signal_id")
    if signal_id and not IDENTIFIER.match(signal_id):
        problems.add(
            seed, index, row, "signal_id", f"'{signal_id}' must be snake_case (a-z, 0-9, _)"
        )
    category = _required(problems, seed, index, row, "category")
    if category and category not in CATEGORIES:
        problems.add(
            seed,
            index,
            row,
            "category",
            f"unknown category '{category}'; expected one of {', '.join(CATEGORIES)}",
        )
    event_names = [e.strip() for e in _text(row, "event_names").split("|") if e.strip()]
    if not event_names:
        problems.add(seed, index, row, "event_names", "is required (event names joined by |)")
    for event_name in event_names:
        if not IDENTIFIER.match(event_name):
            problems.add(
                seed,
                index,
                row,
                "event_names",
                f"'{event_name}' is not a normalised snake_case event name",
            )
    filter_text = _text(row, "property_filter")
    property_filter = parse_property_filter(filter_text) if filter_text else None
    if filter_text and property_filter is None:
        problems.add(
            seed, index, row, "property_filter", f"'{filter_text}' is not of the form key = value"
        )
    prefix = _text(row, "page_path_prefix")
    if prefix and not prefix.startswith("/"):
        problems.add(seed, index, row, "page_path_prefix", f"'{prefix}' must start with /")
    host = _text(row, "page_host")
    bad_host = host_problem(host) if host else None
    if bad_host:
        problems.add(seed, index, row, "page_host", bad_host)
    elif host and event_names != [PAGE_EVENT]:
        problems.add(
            seed,
            index,
            row,
            "page_host",
            f"filters page views by host; event_names must be {PAGE_EVENT} (is "
            f"'{'|'.join(event_names)}')",
        )
    aggregation = _required(problems, seed, index, row, "aggregation")
    if aggregation and aggregation not in AGGREGATIONS:
        problems.add(
            seed,
            index,
            row,
            "aggregation",
            f"unknown aggregation '{aggregation}'; expected one of {', '.join(AGGREGATIONS)}",
        )
    if aggregation == "distinct_users" and definition and definition["entity"] != "account":
        problems.add(
            seed,
            index,
            row,
            "aggregation",
            "distinct_users counts users in an account; use it in account definitions",
        )
    property_key = _text(row, "property_key")
    if aggregation == "distinct_property_values" and not JSON_KEY.match(property_key):
        problems.add(
            seed,
            index,
            row,
            "property_key",
            f"'{property_key}' is not a property name (distinct_property_values needs one)",
        )
    window_text = _text(row, "window_days")
    window = parse_whole(window_text) if window_text else None
    if (window_text or aggregation != "first_time") and (window is None or window < 1):
        problems.add(
            seed,
            index,
            row,
            "window_days",
            f"'{window_text}' must be a positive whole number of days",
        )
    threshold_text = _required(problems, seed, index, row, "threshold")
    threshold = parse_number(threshold_text)
    if threshold_text and (threshold is None or threshold <= 0):
        problems.add(seed, index, row, "threshold", f"'{threshold_text}' is not a number above 0")
    weight_text = _required(problems, seed, index, row, "weight")
    weight = parse_number(weight_text)
    if weight_text and (weight is None or weight < 0):
        problems.add(seed, index, row, "weight", f"'{weight_text}' is not a non-negative number")
    lifespan_text = _text(row, "lifespan_days")
    lifespan = parse_whole(lifespan_text) if lifespan_text else 0
    if lifespan is None:
        problems.add(
            seed, index, row, "lifespan_days", f"'{lifespan_text}' is not a whole number of days"
        )
    template = _required(problems, seed, index, row, "reason_template")
    unknown = reason_placeholders(template) - REASON_PLACEHOLDERS
    if unknown:
        problems.add(
            seed,
            index,
            row,
            "reason_template",
            f"unknown placeholder(s) {', '.join('{' + u + '}' for u in sorted(unknown))};"
            " use " + ", ".join("{" + p + "}" for p in sorted(REASON_PLACEHOLDERS)),
        )
    return {
        "definition_id": definition_id,
        "signal_id": signal_id,
        "category": category,
        "event_names": event_names,
        "property_filter_key": property_filter[0] if property_filter else None,
        "property_filter_value": property_filter[1] if property_filter else None,
        "page_path_prefix": prefix or None,
        "page_host": host or None,
        "aggregation": aggregation,
        "property_key": property_key or None,
        "window_days": window if aggregation != "first_time" else None,
        "threshold": threshold,
        "weight": weight,
        "lifespan_days": lifespan,
        "reason_template": template,
        "row": row,
    }


def _validate_tiers(rows, problems) -> None:
    seen: set[str] = set()
    has_floor = False
    for index, row in enumerate(rows):
        tier = _required(problems, "tiers", index, row, "tier")
        if tier and not IDENTIFIER.match(tier):
            problems.add("tiers", index, row, "tier", f"'{tier}' must be snake_case")
        if tier in seen:
            problems.add("tiers", index, row, "tier", f"duplicate tier '{tier}'")
        seen.add(tier)
        text = _required(problems, "tiers", index, row, "min_score")
        min_score = parse_number(text)
        if text and (min_score is None or min_score < 0):
            problems.add("tiers", index, row, "min_score", f"'{text}' is not a non-negative number")
        has_floor = has_floor or min_score == 0
    if rows and not has_floor:
        problems.lines.append(
            f"{SEED_FILES['tiers']}: no tier has min_score 0, so low scores would have no tier"
        )


def _validate_fit_rules(rows, problems) -> None:
    seen: set[str] = set()
    for index, row in enumerate(rows):
        rule_id = _required(problems, "fit_rules", index, row, "rule_id")
        if rule_id in seen:
            problems.add("fit_rules", index, row, "rule_id", f"duplicate rule id '{rule_id}'")
        seen.add(rule_id)
        entity = _required(problems, "fit_rules", index, row, "entity")
        if entity and entity not in ENTITIES:
            problems.add("fit_rules", index, row, "entity", f"unknown entity '{entity}'")
        attribute = _required(problems, "fit_rules", index, row, "attribute")
        if entity in FIT_ATTRIBUTES and attribute and attribute not in FIT_ATTRIBUTES[entity]:
            problems.add(
                "fit_rules",
                index,
                row,
                "attribute",
                f"unknown {entity} attribute '{attribute}'; expected one of "
                f"{', '.join(sorted(FIT_ATTRIBUTES[entity]))}",
            )
        operator = _required(problems, "fit_rules", index, row, "operator")
        if operator and operator not in FIT_OPERATORS:
            problems.add("fit_rules", index, row, "operator", f"unknown operator '{operator}'")
        value = _required(problems, "fit_rules", index, row, "value")
        if operator in NUMERIC_OPERATORS and value and parse_number(value) is None:
            problems.add(
                "fit_rules",
                index,
                row,
                "value",
                f"'{value}' is not a number (operator {operator} compares numbers)",
            )
        weight_text = _required(problems, "fit_rules", index, row, "weight")
        weight = parse_number(weight_text)
        if weight_text and (weight is None or weight < 0):
            problems.add(
                "fit_rules", index, row, "weight", f"'{weight_text}' is not a non-negative number"
            )
        _required(problems, "fit_rules", index, row, "reason")


def definition_version(definition_row: dict, signal_rows: list[dict]) -> str:
    """A short stable hash of a definition's own configuration: its row and its signals' rows,
    whitespace-trimmed, in a canonical order (so reordering the CSV changes nothing). A column
    added to the seed later (LATER_OPTIONAL_COLUMNS) counts only when set, so adding it leaves
    every existing definition_version as it was."""
    later = LATER_OPTIONAL_COLUMNS["signals"]
    canonical = {
        "definition": {k: _text(definition_row, k) for k in sorted(definition_row)},
        "signals": sorted(
            (
                {k: _text(r, k) for k in sorted(r) if k not in later or _text(r, k)}
                for r in signal_rows
            ),
            key=lambda r: r.get("signal_id", ""),
        ),
    }
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    return digest[:12]


def validate_config(definitions, signals, tiers, fit_rules, defaults) -> list[dict]:
    """Validate the four seeds (lists of dicts of text, in file order); return the output rows
    (one per signal per event name). Raise ConfigError naming file, line and problem."""
    problems = _Problems()
    by_id = _validate_definitions(definitions, defaults, problems)
    parsed = [_validate_signal(i, row, by_id, problems) for i, row in enumerate(signals)]
    seen: set[tuple[str, str]] = set()
    for index, signal in enumerate(parsed):
        key = (signal["definition_id"], signal["signal_id"])
        if key in seen:
            problems.add(
                "signals",
                index,
                signal["row"],
                "signal_id",
                f"duplicate signal id '{signal['signal_id']}' in definition "
                f"'{signal['definition_id']}'",
            )
        seen.add(key)
    for definition in by_id.values():
        own = {s["signal_id"] for s in parsed if s["definition_id"] == definition["definition_id"]}
        if definition["definition_id"] and not own:
            problems.add(
                "definitions",
                definition["index"],
                definition["row"],
                "definition_id",
                f"definition has no signals in {SEED_FILES['signals']}",
            )
        for required in definition["required_signals"]:
            if required not in own:
                problems.add(
                    "definitions",
                    definition["index"],
                    definition["row"],
                    "required_signals",
                    f"required signal '{required}' is not a signal of this definition",
                )
    _validate_tiers(tiers, problems)
    _validate_fit_rules(fit_rules, problems)
    problems.raise_if_any()

    output = []
    for definition in by_id.values():
        own = [s for s in parsed if s["definition_id"] == definition["definition_id"]]
        version = definition_version(definition["row"], [s["row"] for s in own])
        for signal in own:
            for event_name in signal["event_names"]:
                output.append(
                    {
                        "signal_event_key": "|".join(
                            (definition["definition_id"], signal["signal_id"], event_name)
                        ),
                        "definition_id": definition["definition_id"],
                        "definition_version": version,
                        "entity": definition["entity"],
                        "motion": definition["motion"],
                        "score_threshold": definition["score_threshold"],
                        "required_signals": "|".join(definition["required_signals"]),
                        "min_fit_score": definition["min_fit_score"],
                        "min_days_before_demotion": definition["min_days_before_demotion"],
                        "cooldown_days": definition["cooldown_days"],
                        "signal_id": signal["signal_id"],
                        "category": signal["category"],
                        "event_name": event_name,
                        "property_filter_key": signal["property_filter_key"],
                        "property_filter_value": signal["property_filter_value"],
                        "page_path_prefix": signal["page_path_prefix"],
                        "page_host": signal["page_host"],
                        "aggregation": signal["aggregation"],
                        "property_key": signal["property_key"],
                        "window_days": signal["window_days"],
                        "threshold": signal["threshold"],
                        "weight": signal["weight"],
                        "lifespan_days": signal["lifespan_days"],
                        "reason_template": signal["reason_template"],
                    }
                )
    return output


def _rows(relation) -> list[dict]:
    """Rows of a small relation as dicts (the configuration seeds are a few dozen rows)."""
    if hasattr(relation, "fetchall") and hasattr(relation, "columns"):  # DuckDB
        columns = relation.columns
        return [dict(zip(columns, values, strict=True)) for values in relation.fetchall()]
    if hasattr(relation, "collect"):  # Snowpark / PySpark
        return [row.asDict() for row in relation.collect()]
    raise NotImplementedError(f"reading rows from {type(relation).__name__} is not implemented")


def _relation(session, rows: list[dict]):
    """A relation of the output rows, with explicit types, without turning values into SQL."""
    import pyarrow as pa

    schema = pa.schema(
        [
            (
                column,
                pa.float64()
                if column in ("score_threshold", "min_fit_score", "threshold", "weight")
                else pa.int64()
                if column
                in ("min_days_before_demotion", "cooldown_days", "window_days", "lifespan_days")
                else pa.string(),
            )
            for column in OUTPUT_COLUMNS
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    if hasattr(session, "create_dataframe"):  # Snowpark / PySpark
        return session.create_dataframe(table.to_pylist())
    return table


def model(dbt, session):
    dbt.config(materialized="table")
    defaults = {
        "min_days_before_demotion": dbt.config.get("min_days_before_demotion"),
        "cooldown_days": dbt.config.get("cooldown_days"),
    }
    rows = validate_config(
        definitions=_rows(dbt.ref("pql_definitions")),
        signals=_rows(dbt.ref("pql_signals")),
        tiers=_rows(dbt.ref("pql_tiers")),
        fit_rules=_rows(dbt.ref("pql_fit_rules")),
        defaults=defaults,
    )
    return _relation(session, rows)
