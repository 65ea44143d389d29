"""Validate every business configuration seed before anything uses it.

Reads the eight config seeds (definitions, signals, tiers, fit rules, routing rules, activation
milestones, personal and internal email domains), checks every column of every row against one
spec per column (`SEEDS` below: type, range, required, unique), then the rules that span
columns, rows and files, and fails the run with one message listing every problem by file,
line, column and problem. Returns one row per signal per event name it counts, with the
definition's settings and its `definition_version` (a hash of the definition's own row and its
signals).

Adding a column to a seed is one `Col(...)` line in its spec; a column in a file without a spec
line (a typo such as `weigth`) fails the run. Configuration values never become SQL text:
downstream models join this table as data.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

# Bounds keep every downstream cast safe: day counts stay far inside INT32 date arithmetic,
# weights and scores inside the marts' decimal(28,6).
MAX_DAYS = 3650
MAX_WEIGHT = 1_000_000
MAX_SCORE = 1_000_000_000
MAX_COUNT = 1_000_000_000
MAX_PRIORITY = 1_000_000
MAX_TEXT = 500

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
JSON_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TOP_LEVEL = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{}|~-]{1,64}$")
QUEUE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
ENTITIES = ("user", "account")
MOTIONS = ("new_business", "expansion")
CATEGORIES = ("activation", "usage", "expansion", "intent", "fit")
AGGREGATIONS = (
    "count",
    "active_days",
    "distinct_users",
    "distinct_property_values",
    "distinct_events",
    "sum",
    "max",
    "avg",
    "count_growth",
    "first_time",
)
# Aggregations of a numeric property (property_key), and those that need property_key at all.
NUMERIC_AGGREGATIONS = ("sum", "max", "avg")
KEYED_AGGREGATIONS = ("distinct_property_values", *NUMERIC_AGGREGATIONS)
FLAGS = ("true", "false")
REASON_PLACEHOLDERS = {"value", "window", "threshold"}
# A reason template may write a number with its word in two forms, {value:project|projects};
# at most this many different ones per template (the steps of the SQL macro
# reason_template_plurals: pql_reason_plural_limit() there is the same number).
MAX_PLURAL_FORMS = 3
FIT_REASON_PLACEHOLDERS = {"value"}
FIT_ATTRIBUTES = {
    "user": {"is_personal_email", "persona", "signup_source", "job_title", "email_domain"},
    "account": {"employee_count", "industry", "country", "account_domain"},
}
FIT_OPERATORS = ("=", "!=", ">=", "<=", ">", "<", "in")
NUMERIC_OPERATORS = (">=", "<=", ">", "<")


class ConfigError(ValueError):
    """Raised with every problem found, one per line."""


class Bad(ValueError):
    """A value a column parser refuses; the text is the problem."""


# --- value parsers: text -> value, or raise Bad ---------------------------------------------


def _plain(text: str) -> str:
    if any(unicodedata.category(c)[0] == "C" for c in text):
        raise Bad(f"'{text}' contains a control character (tab, newline, ...)")
    if len(text) > MAX_TEXT:
        raise Bad(f"is {len(text)} characters long; at most {MAX_TEXT}")
    return text


def text() -> Callable[[str], str]:
    return _plain


def snake_id() -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not IDENTIFIER.match(value):
            raise Bad(f"'{value}' must be snake_case (a-z, 0-9, _; starting with a letter)")
        return value

    return parse


def one_of(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise Bad(f"unknown \x00 '{value}'; expected one of {', '.join(choices)}")
        return value

    return parse


def parse_number(value: str) -> float | None:
    """A finite decimal number written as digits (1, 2.5, 1e3), or None."""
    return float(value) if NUMBER.match(value) else None


def number(low: float, high: float, above: bool = False) -> Callable[[str], float]:
    def parse(value: str) -> float:
        parsed = parse_number(value)
        bound = f"above {low:g}" if above else f"from {low:g}"
        if parsed is None or parsed < low or (above and parsed == low) or parsed > high:
            raise Bad(f"'{value}' is not a number {bound} to {high:g}")
        return parsed

    return parse


def whole(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not re.fullmatch(r"\d{1,12}", value) or not low <= int(value) <= high:
            raise Bad(f"'{value}' is not a whole number{unit} from {low} to {high}")
        return int(value)

    return parse


def normalize_event_name(name: str) -> str:
    """What the normalize_event_name macro makes of a name (NFC, camelCase split, lower case,
    every run of characters that are not letters, digits or marks one underscore)."""
    name = unicodedata.normalize("NFC", name.strip())
    name = "".join(
        f"_{c}" if i and unicodedata.category(c) == "Lu" and _lower_or_digit(name[i - 1]) else c
        for i, c in enumerate(name)
    ).lower()
    runs = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in name)
    return "_".join(runs.split())


def _lower_or_digit(c: str) -> bool:
    return unicodedata.category(c) == "Ll" or unicodedata.category(c)[0] == "N"


def event_name(wildcard: bool = False) -> Callable[[str], str]:
    """A normalised event name; with `wildcard`, also a prefix ending in one * (report_*)."""

    def parse(value: str) -> str:
        is_prefix = wildcard and value.endswith("*")
        # a prefix may end in one _ (report_*), which a whole name never does
        name = value[:-1].removesuffix("_") if is_prefix else value
        if wildcard and "*" in name:
            raise Bad(f"'{value}' has a * that is not at the end; a wildcard is a prefix and *")
        normal = normalize_event_name(name)
        if name != normal or not name:
            hint = f"; write '{normal}{value[len(name) :]}'" if normal else ""
            raise Bad(f"'{value}' is not a normalised event name{hint}")
        return value

    return parse


def covers(pattern: str, name: str) -> bool:
    """Whether a configured event name (report_* or report_shared) matches a name."""
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern


def event_names() -> Callable[[str], list]:
    """Event names joined by |, wildcards allowed; no name matched by two items."""
    items = pipe_list(event_name(wildcard=True))

    def parse(value: str) -> list:
        names = items(value)
        for pattern in (n for n in names if n.endswith("*")):
            for other in (n for n in names if n != pattern):
                if covers(pattern, other.rstrip("*")):
                    raise Bad(f"'{other}' is already matched by '{pattern}' in '{value}'")
        return names

    return parse


def flag() -> Callable[[str], bool]:
    def parse(value: str) -> bool:
        if value not in FLAGS:
            raise Bad(f"'{value}' is not true or false")
        return value == "true"

    return parse


def domain() -> Callable[[str], str]:
    def parse(value: str) -> str:
        labels = value.split(".")
        if (
            len(value) > 253
            or len(labels) < 2
            or not all(DOMAIN_LABEL.match(label) for label in labels)
            or not TOP_LEVEL.match(labels[-1])
        ):
            raise Bad(
                f"'{value}' is not a plausible domain (lower case, like example.com: no @, "
                "scheme, path, spaces or trailing dot; internationalised names in xn-- form)"
            )
        return value

    return parse


def email() -> Callable[[str], str]:
    to_domain = domain()

    def parse(value: str) -> str:
        local, at, host = value.rpartition("@")
        if not at or not EMAIL_LOCAL.match(local):
            raise Bad(f"'{value}' is not an email address")
        to_domain(host.lower())
        return value

    return parse


def country() -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not COUNTRY.match(value):
            raise Bad(f"'{value}' is not a two-letter country code")
        return value

    return parse


def page_host() -> Callable[[str], str]:
    """A host as the clean stream stores it: lower case, no scheme, port, path or www."""
    to_domain = domain()

    def parse(value: str) -> str:
        if "/" in value or ":" in value:
            raise Bad(
                f"'{value}' must be a host only (e.g. app.example.com), without scheme, port "
                "or path"
            )
        if value.lower().startswith("www."):
            raise Bad(
                f"'{value}': hosts are stored without a leading www., write '{value[4:].lower()}'"
            )
        if value != value.lower():
            raise Bad(f"'{value}' is not a lower-case host name (e.g. app.example.com)")
        return to_domain(value)

    return parse


def path_prefix() -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not value.startswith("/") or any(c.isspace() for c in value):
            raise Bad(f"'{value}' must start with / and contain no spaces")
        return _plain(value)

    return parse


def parse_property_filter(value: str) -> tuple[str, str] | None:
    """`key = value` -> (key, value); None when it is not of that shape."""
    if value.count("=") != 1:
        return None
    key, wanted = (part.strip() for part in value.split("="))
    if not JSON_KEY.match(key) or not wanted:
        return None
    return key, wanted


def property_filter() -> Callable[[str], tuple[str, str]]:
    def parse(value: str) -> tuple[str, str]:
        parsed = parse_property_filter(_plain(value))
        if parsed is None:
            raise Bad(f"'{value}' is not of the form key = value")
        return parsed

    return parse


def json_key() -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not JSON_KEY.match(value):
            raise Bad(f"'{value}' is not a property name (letters, digits, _)")
        return value

    return parse


def reason_placeholders(template: str) -> set[str]:
    return set(re.findall(r"\{([^{}]*)\}", template))


def template(placeholders: set[str], plural: bool = False) -> Callable[[str], str]:
    """A reason template: {placeholders}, and with `plural` also {name:singular|plural}."""
    allowed = ", ".join("{" + p + "}" for p in sorted(placeholders))
    if plural:
        allowed += " or {name:singular|plural} (e.g. {value:project|projects})"

    def parse(value: str) -> str:
        plural_forms = set()
        unknown = set()
        for inner in reason_placeholders(_plain(value)):
            name, colon, forms = inner.partition(":")
            if not colon:
                if name not in placeholders:
                    unknown.add(inner)
                continue
            if not plural or name not in placeholders:
                unknown.add(inner)
                continue
            parts = forms.split("|")
            if len(parts) != 2 or "" in parts:
                example = "{" + name + ":project|projects}"
                raise Bad(
                    f"'{'{' + inner + '}'}' needs two forms, singular|plural, neither empty "
                    f"(e.g. {example})"
                )
            plural_forms.add(inner)
        if unknown:
            names = ", ".join("{" + u + "}" for u in sorted(unknown))
            raise Bad(f"unknown placeholder(s) {names}; use {allowed}")
        rest = re.sub(r"\{[^{}]*\}", "", value)
        if "{" in rest or "}" in rest:
            raise Bad(f"'{value}' has an unmatched curly brace; placeholders are {allowed}")
        if len(plural_forms) > MAX_PLURAL_FORMS:
            raise Bad(
                f"has {len(plural_forms)} different plural placeholders; at most {MAX_PLURAL_FORMS}"
            )
        return value

    return parse


def pipe_list(item: Callable[[str], object], fold=lambda v: v) -> Callable[[str], list]:
    """Values joined by |: each parsed by `item`, none empty, none twice."""

    def parse(value: str) -> list:
        parts = [part.strip() for part in value.split("|")]
        if "" in parts:
            raise Bad(f"'{value}' has an empty item between | separators")
        seen: set = set()
        for part in parts:
            if fold(part) in seen:
                raise Bad(f"'{part}' is listed twice in '{value}'")
            seen.add(fold(part))
        return [item(part) for part in parts]

    return parse


# --- the specs: one line per column ---------------------------------------------------------


class Col(NamedTuple):
    name: str
    parse: Callable[[str], object]
    required: bool = False
    unique: bool = False  # no two rows of the file share the (parsed) value
    unique_within: str | None = None  # ... sharing this column's value
    output: str = "text"  # type in the output relation: text, whole, number or flag
    # Added after the seed's first release: a CSV written before may leave it out, and an
    # empty value stays out of definition_version, so adding the column re-versions nothing.
    later: bool = False


class Seed(NamedTuple):
    file: str
    keys: tuple[str, ...]  # shown next to the line so the row is easy to find
    columns: tuple[Col, ...]
    empty: str | None = None  # the problem when the file has no rows; None = may be empty


def _whole(name, low, high, **kw) -> Col:
    return Col(name, whole(low, high, " of days" if name.endswith("_days") else ""), **kw)


SEEDS: dict[str, Seed] = {
    "definitions": Seed(
        "seeds/pql_definitions.csv",
        ("definition_id",),
        (
            Col("definition_id", snake_id(), required=True, unique=True),
            Col("entity", one_of(*ENTITIES), required=True),
            Col("motion", one_of(*MOTIONS), required=True),
            Col("score_threshold", number(0, MAX_SCORE), required=True, output="number"),
            Col("required_signals", pipe_list(snake_id())),
            Col("min_fit_score", number(0, MAX_SCORE), output="number"),
            _whole("min_days_before_demotion", 0, MAX_DAYS, output="whole"),
            _whole("cooldown_days", 0, MAX_DAYS, output="whole"),
            Col("description", text()),
        ),
        empty="the file has no definitions, so nothing can ever qualify as a PQL or PQA",
    ),
    "signals": Seed(
        "seeds/pql_signals.csv",
        ("definition_id", "signal_id"),
        (
            Col("definition_id", snake_id(), required=True),
            Col("signal_id", snake_id(), required=True, unique_within="definition_id"),
            Col("category", one_of(*CATEGORIES), required=True),
            Col("event_names", event_names(), required=True),
            Col("property_filter", property_filter()),
            Col("page_path_prefix", path_prefix()),
            Col("page_host", page_host(), later=True),
            Col("aggregation", one_of(*AGGREGATIONS), required=True),
            Col("property_key", json_key()),
            _whole("window_days", 1, MAX_DAYS, output="whole"),
            Col("threshold", number(0, MAX_COUNT, above=True), required=True, output="number"),
            Col("threshold_max", number(0, MAX_COUNT, above=True), output="number", later=True),
            Col("weight", number(-MAX_WEIGHT, MAX_WEIGHT), required=True, output="number"),
            Col("disqualifies", flag(), output="flag", later=True),
            _whole("lifespan_days", 0, MAX_DAYS, output="whole"),
            Col("reason_template", template(REASON_PLACEHOLDERS, plural=True), required=True),
        ),
        empty="the file has no signals, so every score is 0 and nothing qualifies",
    ),
    "tiers": Seed(
        "seeds/pql_tiers.csv",
        ("tier",),
        (
            Col("tier", snake_id(), required=True, unique=True),
            Col("min_score", number(0, MAX_SCORE), required=True, unique=True),
            Col("description", text()),
        ),
        empty="the file has no tiers; one must start at min_score 0",
    ),
    "fit_rules": Seed(
        "seeds/pql_fit_rules.csv",
        ("rule_id",),
        (
            Col("rule_id", snake_id(), required=True, unique=True),
            Col("entity", one_of(*ENTITIES), required=True),
            Col("attribute", snake_id(), required=True),
            Col("operator", one_of(*FIT_OPERATORS), required=True),
            Col("value", _plain, required=True),
            # negative: lowers the fit score (with min_fit_score, excludes: a competitor)
            Col("weight", number(-MAX_WEIGHT, MAX_WEIGHT), required=True),
            Col("reason", template(FIT_REASON_PLACEHOLDERS), required=True),
        ),
    ),
    "routing_rules": Seed(
        "seeds/routing_rules.csv",
        ("rule_id",),
        (
            Col("priority", whole(0, MAX_PRIORITY), required=True, unique=True),
            Col("rule_id", snake_id(), required=True, unique=True),
            Col("min_employees", whole(0, MAX_COUNT)),
            Col("max_employees", whole(0, MAX_COUNT)),
            Col("countries", pipe_list(country(), str.upper)),
            Col("industries", pipe_list(_plain, str.lower)),
            Col("plans", pipe_list(_plain, str.lower)),
            Col("owner", _plain, required=True),
            Col("owner_type", one_of("user", "queue"), required=True),
            Col("description", text()),
        ),
        empty="the file has no rules, so no record gets an owner",
    ),
    "activation_milestones": Seed(
        "seeds/activation_milestones.csv",
        ("milestone_id",),
        (
            Col("milestone_id", snake_id(), required=True, unique=True),
            Col("event_name", event_name(), required=True),
            Col("description", text()),
        ),
        empty="the file has no milestones, so no user or account is ever activated",
    ),
    "personal_email_domains": Seed(
        "seeds/personal_email_domains.csv",
        (),
        (Col("email_domain", domain(), required=True, unique=True),),
    ),
    "internal_email_domains": Seed(
        "seeds/internal_email_domains.csv",
        (),
        (
            Col("email_domain", domain(), required=True, unique=True),
            Col("note", text()),
        ),
    ),
}
SEED_FILES = {name: seed.file for name, seed in SEEDS.items()}


# --- checking -------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, seed: str, index: int, row: dict, column: str, problem: str) -> None:
        """A problem on data row `index` (0-based; the file line is index + 2)."""
        keys = SEEDS[seed].keys
        key = next((f"{k}={_text(row, k)}" for k in keys if _text(row, k)), "")
        where = f"{SEED_FILES[seed]} line {index + 2}" + (f" ({key})" if key else "")
        self.lines.append(f"{where}, column {column}: {problem}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise ConfigError("invalid PQL configuration:\n  " + "\n  ".join(self.lines))


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def check_seed(name: str, rows: list[dict], problems: _Problems) -> list[dict]:
    """Check every column of every row against the seed's spec; return the parsed rows
    (value per column; None when empty or unusable)."""
    seed = SEEDS[name]
    if rows:
        spec_names = [c.name for c in seed.columns]
        for column in [c for c in rows[0] if c not in spec_names]:
            problems.lines.append(
                f"{seed.file} line 1 (header), column {column}: unknown column; the columns "
                f"are {', '.join(spec_names)}"
            )
        optional = {c.name for c in seed.columns if c.later}
        for column in [c for c in spec_names if c not in rows[0] and c not in optional]:
            problems.lines.append(f"{seed.file} line 1 (header), column {column}: is missing")
    elif seed.empty:
        problems.lines.append(
            f"{seed.file} line 2, column {seed.columns[0].name}: {seed.empty} (no rows)"
        )
    parsed_rows = []
    for index, row in enumerate(rows):
        parsed = {"index": index, "row": row}
        for col in seed.columns:
            value = _text(row, col.name)
            parsed[col.name] = None
            if not value:
                if col.required:
                    problems.add(name, index, row, col.name, "is required")
                continue
            try:
                parsed[col.name] = col.parse(value)
            except Bad as bad:
                problem = str(bad).replace("\x00", col.name.replace("_", " "))
                problems.add(name, index, row, col.name, problem)
        parsed_rows.append(parsed)
    for col in seed.columns:
        if not (col.unique or col.unique_within):
            continue
        first: dict = {}
        for parsed in parsed_rows:
            if parsed[col.name] is None:
                continue
            scope = parsed[col.unique_within] if col.unique_within else None
            key = (scope, _hashable(parsed[col.name]))
            if key in first:
                within = (
                    f" in {col.unique_within.removesuffix('_id')} '{scope}'"
                    if col.unique_within
                    else ""
                )
                problems.add(
                    name,
                    parsed["index"],
                    parsed["row"],
                    col.name,
                    f"duplicate {col.name.replace('_', ' ')} '{_text(parsed['row'], col.name)}'"
                    f"{within} (already on line {first[key] + 2})",
                )
            else:
                first[key] = parsed["index"]
    return parsed_rows


def _check_definitions(definitions, signals, problems) -> None:
    for definition in definitions:
        own = [s for s in signals if s["definition_id"] == definition["definition_id"]]
        add = partial(problems.add, "definitions", definition["index"], definition["row"])
        if definition["entity"] == "user" and definition["motion"] == "expansion":
            add("motion", "the expansion motion is for accounts (paying workspaces), not users")
        if definition["definition_id"] and not own:
            add("definition_id", f"definition has no signals in {SEED_FILES['signals']}")
        names = {s["signal_id"] for s in own}
        disqualifiers = {s["signal_id"] for s in own if s["disqualifies"]}
        for required in definition["required_signals"] or []:
            if required not in names:
                add(
                    "required_signals",
                    f"required signal '{required}' is not a signal of this definition",
                )
            elif required in disqualifiers:
                add(
                    "required_signals",
                    f"required signal '{required}' is a disqualifier, so nothing could qualify",
                )
        # negative weights only lower a score: the most it can reach is the positive ones' sum
        most = sum(max(s["weight"] or 0, 0) for s in own)
        needed = definition["score_threshold"]
        if own and needed is not None and needed > most:
            add(
                "score_threshold",
                f"{needed:g} is more than all its signals' positive weights add up "
                f"to ({most:g}), so nothing could ever qualify",
            )


def _check_signals(signals, definitions, problems) -> None:
    by_id = {d["definition_id"]: d for d in definitions if d["definition_id"]}
    for signal in signals:
        add = partial(problems.add, "signals", signal["index"], signal["row"])
        definition = by_id.get(signal["definition_id"])
        aggregation = signal["aggregation"]
        if signal["definition_id"] and definition is None:
            add(
                "definition_id",
                f"unknown definition '{signal['definition_id']}' "
                f"(not in {SEED_FILES['definitions']})",
            )
        if aggregation == "distinct_users" and definition and definition["entity"] != "account":
            add(
                "aggregation",
                "distinct_users counts users in an account; use it in account definitions",
            )
        if aggregation in KEYED_AGGREGATIONS and not _text(signal["row"], "property_key"):
            add("property_key", f"is required: {aggregation} reads this property")
        if aggregation not in (None, *KEYED_AGGREGATIONS) and signal["property_key"]:
            add(
                "property_key",
                f"only {', '.join(KEYED_AGGREGATIONS)} use it, not {aggregation}",
            )
        has_window = bool(_text(signal["row"], "window_days"))
        if aggregation == "first_time" and has_window:
            add("window_days", "must be empty for first_time (a milestone has no window)")
        if aggregation not in (None, "first_time") and not has_window:
            add("window_days", f"is required for {aggregation} (days in the rolling window)")
        low, high = signal["threshold"], signal["threshold_max"]
        if aggregation == "first_time" and high is not None:
            add("threshold_max", "must be empty for first_time (a milestone has no value to bound)")
        elif low is not None and high is not None and high < low:
            add("threshold_max", f"{high:g} is below threshold {low:g}, so the signal never fires")
        if signal["disqualifies"] and signal["weight"] not in (None, 0):
            add("weight", "must be 0 for a disqualifier (it blocks qualification, adds no points)")
        if signal["disqualifies"] and signal["lifespan_days"]:
            add("lifespan_days", "must be empty or 0 for a disqualifier (it holds while it fires)")
        if signal["page_path_prefix"] and signal["event_names"] not in (None, ["page_viewed"]):
            add("page_path_prefix", "filters page views; event_names must be page_viewed")
        if signal["page_host"] and signal["event_names"] not in (None, ["page_viewed"]):
            names = "|".join(signal["event_names"])
            add(
                "page_host",
                f"filters page views by host; event_names must be page_viewed (is '{names}')",
            )


def _check_tiers(tiers, problems) -> None:
    scores = [t for t in tiers if t["min_score"] is not None]
    if scores and not any(t["min_score"] == 0 for t in scores):
        lowest = min(scores, key=lambda t: t["min_score"])
        problems.add(
            "tiers",
            lowest["index"],
            lowest["row"],
            "min_score",
            "no tier has min_score 0, so low scores would have no tier",
        )


_FIT_TYPES = {
    "is_personal_email": "boolean",
    "employee_count": "number",
    "email_domain": "domain",
    "account_domain": "domain",
}


def _check_fit_rules(rules, problems) -> None:
    for rule in rules:
        add = partial(problems.add, "fit_rules", rule["index"], rule["row"])
        entity, attribute, operator, value = (
            rule[k] for k in ("entity", "attribute", "operator", "value")
        )
        if entity in FIT_ATTRIBUTES and attribute and attribute not in FIT_ATTRIBUTES[entity]:
            add(
                "attribute",
                f"unknown {entity} attribute '{attribute}'; expected one of "
                f"{', '.join(sorted(FIT_ATTRIBUTES[entity]))}",
            )
        if not (operator and value):
            continue
        kind = _FIT_TYPES.get(attribute, "text")
        values = value.split("|") if operator == "in" else [value]
        try:
            if operator == "in":
                pipe_list(str.strip)(value)
            for item in (v.strip() for v in values):
                if operator in NUMERIC_OPERATORS or kind == "number":
                    if parse_number(item) is None:
                        raise Bad(
                            f"'{item}' is not a number (operator {operator} compares numbers)"
                            if operator in NUMERIC_OPERATORS
                            else f"'{item}' is not a number ({attribute} is a number)"
                        )
                elif kind == "boolean" and item not in ("true", "false"):
                    raise Bad(f"'{item}' is not true or false ({attribute} is a flag)")
                elif kind == "domain":
                    domain()(item)
        except Bad as bad:
            add("value", str(bad))
        if kind in ("boolean", "text", "domain") and operator in NUMERIC_OPERATORS:
            add("operator", f"{operator} compares numbers; {attribute} is not a number")


def _check_routing_rules(rules, problems) -> None:
    for rule in rules:
        add = partial(problems.add, "routing_rules", rule["index"], rule["row"])
        low, high = rule["min_employees"], rule["max_employees"]
        if low is not None and high is not None and low > high:
            add("max_employees", f"{high} is below min_employees {low}, so the rule never matches")
        owner = rule["owner"]
        try:
            if owner and rule["owner_type"] == "user":
                email()(owner)
            elif owner and rule["owner_type"] == "queue" and not QUEUE.match(owner):
                raise Bad(f"'{owner}' is not a queue name (a-z, 0-9, _ . -)")
        except Bad as bad:
            add("owner", f"{bad} (owner_type {rule['owner_type']})")


def _check_domains(personal, internal, problems) -> None:
    consumer = {d["email_domain"] for d in personal if d["email_domain"]}
    for row in internal:
        if row["email_domain"] in consumer:
            problems.add(
                "internal_email_domains",
                row["index"],
                row["row"],
                "email_domain",
                f"'{row['email_domain']}' is also in {SEED_FILES['personal_email_domains']}; a "
                "consumer mail domain cannot be your company's",
            )


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _fields(row: dict, skip_if_empty: frozenset[str] = frozenset()) -> str:
    """`column=md5(value);` for every column in name order, values whitespace-trimmed; a column
    in `skip_if_empty` with an empty value is left out."""
    return "".join(
        f"{k}={_md5(_text(row, k))};"
        for k in sorted(row)
        if k not in skip_if_empty or _text(row, k)
    )


def definition_version(definition_row: dict, signal_rows: list[dict]) -> str:
    """A short stable hash of a definition's own configuration: its row and its signals' rows,
    whitespace-trimmed, in a canonical order (so reordering the CSV changes nothing). The
    first 12 hex digits of md5(definition fields + '|' + the md5 of each signal's fields,
    sorted, joined by ','); every piece is fixed-width hex, so the text is unambiguous, and
    int_pql_config_validated_sql computes the same value in SQL."""
    later = frozenset(c.name for seed in SEEDS.values() for c in seed.columns if c.later)
    signals = ",".join(sorted(_md5(_fields(row, later)) for row in signal_rows))
    return _md5(f"{_fields(definition_row)}|{signals}")[:12]


# The output: the definition's settings, then every signals column (a new signals column
# flows through as its parsed value), with event_names one per row and the filter split.
DEFINITION_OUTPUT = (
    "entity",
    "motion",
    "score_threshold",
    "required_signals",
    "min_fit_score",
    "min_days_before_demotion",
    "cooldown_days",
)
SIGNAL_OUTPUT = tuple(
    c
    for c in SEEDS["signals"].columns
    if c.name not in ("definition_id", "event_names", "property_filter")
)
OUTPUT_TYPES = {
    "signal_event_key": "text",
    "definition_id": "text",
    "definition_version": "text",
    **{c.name: c.output for c in SEEDS["definitions"].columns if c.name in DEFINITION_OUTPUT},
    "event_name": "text",
    "property_filter_key": "text",
    "property_filter_value": "text",
    **{c.name: c.output for c in SIGNAL_OUTPUT},
}
OUTPUT_COLUMNS = tuple(OUTPUT_TYPES)


def _output_rows(definitions, signals, defaults) -> list[dict]:
    output = []
    for definition in definitions:
        own = [s for s in signals if s["definition_id"] == definition["definition_id"]]
        settings = {column: definition[column] for column in DEFINITION_OUTPUT}
        settings["required_signals"] = "|".join(definition["required_signals"] or [])
        for column in ("min_days_before_demotion", "cooldown_days"):
            if settings[column] is None:
                settings[column] = int(defaults[column])
        version = definition_version(definition["row"], [s["row"] for s in own])
        for signal in own:
            key, value = signal["property_filter"] or (None, None)
            for name in signal["event_names"]:
                output.append(
                    {
                        "signal_event_key": f"{definition['definition_id']}|"
                        f"{signal['signal_id']}|{name}",
                        "definition_id": definition["definition_id"],
                        "definition_version": version,
                        **settings,
                        "event_name": name,
                        "property_filter_key": key,
                        "property_filter_value": value,
                        **{c.name: signal[c.name] for c in SIGNAL_OUTPUT},
                        "lifespan_days": signal["lifespan_days"] or 0,
                        "disqualifies": bool(signal["disqualifies"]),
                    }
                )
    return output


def validate_all(seeds: dict[str, list[dict]], defaults: dict) -> list[dict]:
    """Validate the config seeds (name -> list of dicts of text, in file order; a seed left
    out is not checked); return the output rows (one per signal per event name). Raise
    ConfigError naming file, line, column and problem for everything wrong at once."""
    problems = _Problems()
    parsed = {name: check_seed(name, rows, problems) for name, rows in seeds.items()}
    definitions, signals = parsed.get("definitions", []), parsed.get("signals", [])
    _check_signals(signals, definitions, problems)
    _check_definitions(definitions, signals, problems)
    _check_tiers(parsed.get("tiers", []), problems)
    _check_fit_rules(parsed.get("fit_rules", []), problems)
    _check_routing_rules(parsed.get("routing_rules", []), problems)
    _check_domains(
        parsed.get("personal_email_domains", []),
        parsed.get("internal_email_domains", []),
        problems,
    )
    problems.raise_if_any()
    return _output_rows(definitions, signals, defaults)


def validate_config(definitions, signals, tiers, fit_rules, defaults) -> list[dict]:
    """The four PQL seeds only (kept for callers that validate a definition set)."""
    seeds = {"definitions": definitions, "signals": signals, "tiers": tiers}
    return validate_all({**seeds, "fit_rules": fit_rules}, defaults)


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

    types = {
        "text": pa.string(),
        "whole": pa.int64(),
        "number": pa.float64(),
        "flag": pa.bool_(),
    }
    schema = pa.schema([(column, types[kind]) for column, kind in OUTPUT_TYPES.items()])
    table = pa.Table.from_pylist(rows, schema=schema)
    if hasattr(session, "create_dataframe"):  # Snowpark / PySpark
        return session.create_dataframe(table.to_pylist())
    return table


def model(dbt, session):
    dbt.config(materialized="table")
    defaults = {
        "min_days_before_demotion": dbt.config.meta_get("min_days_before_demotion"),
        "cooldown_days": dbt.config.meta_get("cooldown_days"),
    }
    # dbt reads refs from literal calls, so each seed is named here.
    relations = {
        "definitions": dbt.ref("pql_definitions"),
        "signals": dbt.ref("pql_signals"),
        "tiers": dbt.ref("pql_tiers"),
        "fit_rules": dbt.ref("pql_fit_rules"),
        "routing_rules": dbt.ref("routing_rules"),
        "activation_milestones": dbt.ref("activation_milestones"),
        "personal_email_domains": dbt.ref("personal_email_domains"),
        "internal_email_domains": dbt.ref("internal_email_domains"),
    }
    rows = validate_all({name: _rows(r) for name, r in relations.items()}, defaults)
    return _relation(session, rows)
