"""Seeded config fuzzer: take the shipped configuration seeds, apply one random mutation from a
catalogue of kinds (docs/bad_input.md, section "Configuration"), and assert the validator
(models/intermediate/signals/int_pql_config_validated_py.py) fails naming the file, the line and
the column. Reproducible: PQL_CONFIG_FUZZ_SEED sets the seed (default 20240611), and every
failure prints it with the mutation. One case also goes through a real `dbt seed` + `dbt build`
on a mutated copy of the seeds, to prove the message reaches dbt's output."""

from __future__ import annotations

import csv
import os
import random

import pytest

from tests.support import run_dbt
from tests.test_signal_config import DEFAULTS, config, copy_project, shipped

SEED = int(os.environ.get("PQL_CONFIG_FUZZ_SEED", "20240611"))
CASES = int(os.environ.get("PQL_CONFIG_FUZZ_CASES", "300"))


def _set(seed: str, column: str, values: list[str]):
    """A mutation setting `column` of one random row of `seed` to one of `values`."""

    def mutate(seeds, rng):
        index = rng.randrange(len(seeds[seed]))
        seeds[seed][index][column] = rng.choice(values)
        return seed, index + 2, column

    return mutate


def _rows(seed: str, pick) -> list[int]:
    return [i for i, row in enumerate(shipped()[seed]) if pick(row)]


def _set_where(seed: str, column: str, values: list[str], pick):
    """Like _set, on a row `pick` accepts (e.g. only rows with a window)."""

    def mutate(seeds, rng):
        index = rng.choice(_rows(seed, pick))
        seeds[seed][index][column] = rng.choice(values)
        return seed, index + 2, column

    return mutate


def _duplicate(seed: str, column: str, scope: str | None = None):
    """Copy one row's `column` value onto another row (in the same `scope` group)."""

    def mutate(seeds, rng):
        rows = seeds[seed]
        pairs = [
            (a, b)
            for a in range(len(rows))
            for b in range(a + 1, len(rows))
            if scope is None or rows[a][scope] == rows[b][scope]
        ]
        first, second = rng.choice(pairs)
        rows[second][column] = rows[first][column]
        return seed, second + 2, column

    return mutate


def _empty(seed: str, column: str):
    def mutate(seeds, rng):
        seeds[seed] = []
        return seed, 2, column

    return mutate


def _rename(seed: str):
    def mutate(seeds, rng):
        column = rng.choice(list(seeds[seed][0]))
        typo = column[:-1] + "x" if column[-1] != "x" else column + "s"
        seeds[seed] = [{typo if k == column else k: v for k, v in r.items()} for r in seeds[seed]]
        return seed, 1, typo

    return mutate


def _repeat_event(seeds, rng):
    index = rng.randrange(len(seeds["signals"]))
    names = seeds["signals"][index]["event_names"].split("|")
    seeds["signals"][index]["event_names"] = "|".join([*names, rng.choice(names)])
    return "signals", index + 2, "event_names"


def _disqualifier_with_weight(seeds, rng):
    index = rng.choice(_rows("signals", lambda r: float(r["weight"]) != 0))
    seeds["signals"][index]["disqualifies"] = "true"
    return "signals", index + 2, "weight"


def _tier_without_floor(seeds, rng):
    for row in seeds["tiers"]:
        if row["min_score"] == "0":
            row["min_score"] = rng.choice(["1", "5", "10"])
    lowest = min(range(len(seeds["tiers"])), key=lambda i: float(seeds["tiers"][i]["min_score"]))
    return "tiers", lowest + 2, "min_score"


def _inverted_employee_bounds(seeds, rng):
    index = rng.choice(_rows("routing_rules", lambda r: r["min_employees"] != ""))
    row = seeds["routing_rules"][index]
    row["max_employees"] = str(int(row["min_employees"]) - 1)
    return "routing_rules", index + 2, "max_employees"


def _internal_is_personal(seeds, rng):
    seeds["internal_email_domains"][0]["email_domain"] = rng.choice(
        [r["email_domain"] for r in seeds["personal_email_domains"]]
    )
    return "internal_email_domains", 2, "email_domain"


BAD_NUMBERS = ["abc", "1,000", "1_000", "NaN", "inf", "-inf", "", "ten", "0x10", "1e"]
WINDOWED = lambda row: row["window_days"] != ""  # noqa: E731

# kind -> mutation(seeds, rng) -> (seed, line, column) it must be reported at.
CATALOGUE = {
    "signal window not a number": _set_where("signals", "window_days", BAD_NUMBERS, WINDOWED),
    "signal window negative or zero": _set_where("signals", "window_days", ["-3", "0"], WINDOWED),
    "signal window beyond 3650 days": _set_where(
        "signals", "window_days", ["3651", "3000000", "99999999999", "1e9"], WINDOWED
    ),
    "signal window on a first_time signal": _set_where(
        "signals", "window_days", ["7"], lambda r: r["aggregation"] == "first_time"
    ),
    "signal threshold not a number or not above 0": _set(
        "signals", "threshold", [*BAD_NUMBERS, "0", "-1", "2e9"]
    ),
    "signal weight not a number or out of range": _set(
        "signals", "weight", [*BAD_NUMBERS, "-1000001", "1e308", "1000001"]
    ),
    "signal lifespan not a whole number in range": _set(
        "signals", "lifespan_days", ["-1", "2.5", "abc", "3651", "99999999999"]
    ),
    "unknown aggregation": _set("signals", "aggregation", ["median", "COUNT", "Sum", "average"]),
    "signal band bound not a number, not above 0 or below the threshold": _set(
        "signals", "threshold_max", ["abc", "1,000", "NaN", "inf", "0", "-1", "0.5", "2e9"]
    ),
    "disqualifies not true or false": _set("signals", "disqualifies", ["yes", "TRUE", "1", "no"]),
    "disqualifier with a weight": _disqualifier_with_weight,
    "malformed event-name wildcard": _set(
        "signals", "event_names", ["report*_shared", "Report_*", "*", "report__*", "a_*|a_b"]
    ),
    "unknown category": _set("signals", "category", ["revenue", "Usage", "misc"]),
    "signal id not snake_case": _set("signals", "signal_id", ["Projects Created", "1st", "a-b"]),
    "duplicate signal id in a definition": _duplicate("signals", "signal_id", "definition_id"),
    "signal of an unknown definition": _set("signals", "definition_id", ["ghost", "nope"]),
    "event name not normalised": _set(
        "signals", "event_names", ["Project Created", "projectCreated", "a||b", "x|"]
    ),
    "same event twice in one signal": _repeat_event,
    "bad property filter": _set(
        "signals", "property_filter", ["integration slack", "a = b = c", "= x", "1x = y"]
    ),
    "bad page path prefix": _set("signals", "page_path_prefix", ["pricing", "/a b"]),
    "bad page host": _set(
        "signals", "page_host", ["https://app.x.io", "www.x.io", "App.X.io", "x"]
    ),
    "bad property key": _set("signals", "property_key", ["not a key", "a.b", "$x"]),
    "unknown reason placeholder": _set(
        "signals",
        "reason_template",
        ["Made {count} things", "{value} in {days} days", "Broken {value"],
    ),
    "malformed plural form": _set(
        "signals",
        "reason_template",
        ["Made {value:projects}", "{value:a|b|c} done", "{value:|s}", "{days:day|days}"],
    ),
    "missing required signal value": _set("signals", "reason_template", ["", "   "]),
    "definition id not snake_case or duplicated": _duplicate("definitions", "definition_id"),
    "unknown entity": _set("definitions", "entity", ["lead", "User", "workspace"]),
    "unknown motion": _set("definitions", "motion", ["upsell", "new business"]),
    "score threshold bad or unreachable": _set(
        "definitions", "score_threshold", [*BAD_NUMBERS, "-1", "500", "2e9"]
    ),
    "unknown required signal": _set("definitions", "required_signals", ["ghost", "a||b"]),
    "bad min fit score": _set("definitions", "min_fit_score", ["-1", "lots", "1e300"]),
    "bad anti-flapping days": _set(
        "definitions", "min_days_before_demotion", ["-1", "1.5", "99999999999"]
    ),
    "bad cooldown days": _set("definitions", "cooldown_days", ["-7", "week", "4000"]),
    "description with a control character": _set("definitions", "description", ["a\tb", "x\x00"]),
    "empty definitions file": _empty("definitions", "definition_id"),
    "empty signals file": _empty("signals", "definition_id"),
    "empty tiers file": _empty("tiers", "tier"),
    "tier name bad or duplicated": _duplicate("tiers", "tier"),
    "two tiers with the same min_score": _duplicate("tiers", "min_score"),
    "tier min_score bad": _set("tiers", "min_score", [*BAD_NUMBERS, "-10", "1e300"]),
    "no tier at min_score 0": _tier_without_floor,
    "tier description too long": _set("tiers", "description", ["x" * 501]),
    "fit rule unknown operator": _set("fit_rules", "operator", ["==", "like", "contains", "=>"]),
    "fit rule unknown attribute": _set("fit_rules", "attribute", ["shoe_size", "revenue"]),
    "fit rule bad weight": _set("fit_rules", "weight", [*BAD_NUMBERS, "-1e308", "1e308"]),
    "fit rule unknown placeholder": _set("fit_rules", "reason", ["{persona}", "{value} {x}"]),
    "fit rule duplicate id": _duplicate("fit_rules", "rule_id"),
    "fit rule entity unknown": _set("fit_rules", "entity", ["company", ""]),
    "fit rule value wrong type": _set_where(
        "fit_rules", "value", ["many", "", "yes"], lambda r: r["operator"] != "in"
    ),
    "routing priority bad or duplicated": _set("routing_rules", "priority", ["-1", "1e3", "x"]),
    "routing duplicate priority": _duplicate("routing_rules", "priority"),
    "routing duplicate rule id": _duplicate("routing_rules", "rule_id"),
    "routing bad employee bound": _set("routing_rules", "min_employees", ["-1", "ten", "5.5"]),
    "routing min above max": _inverted_employee_bounds,
    "routing bad country code": _set("routing_rules", "countries", ["USA", "U1", "US||CA"]),
    "routing repeated industry or plan": _set("routing_rules", "plans", ["pro|Pro", "a||b"]),
    "routing bad owner for its type": _set_where(
        "routing_rules",
        "owner",
        ["nobody", "a b@x.com", "x@y"],
        lambda r: r["owner_type"] == "user",
    ),
    "routing unknown owner type": _set("routing_rules", "owner_type", ["team", "User", ""]),
    "routing bad industries": _set("routing_rules", "industries", ["software|", "a\tb"]),
    "routing missing owner": _set("routing_rules", "owner", [""]),
    "routing rule id bad": _set("routing_rules", "rule_id", ["Catch All", ""]),
    "routing description control character": _set("routing_rules", "description", ["a\nb"]),
    "empty routing rules file": _empty("routing_rules", "priority"),
    "milestone id bad or duplicated": _duplicate("activation_milestones", "milestone_id"),
    "milestone event not normalised": _set(
        "activation_milestones", "event_name", ["Project Created", "", "a__b"]
    ),
    "milestone description control character": _set(
        "activation_milestones", "description", ["tab\there"]
    ),
    "empty milestones file": _empty("activation_milestones", "milestone_id"),
    "implausible personal domain": _set(
        "personal_email_domains",
        "email_domain",
        ["gmail.com.", "@gmail.com", "Gmail.com", "42", "https://x.com", "x", "{}"],
    ),
    "duplicate personal domain": _duplicate("personal_email_domains", "email_domain"),
    "implausible internal domain": _set(
        "internal_email_domains", "email_domain", ["pql demo.io", "", "pql-demo.io/x"]
    ),
    "internal domain note control character": _set("internal_email_domains", "note", ["a\x07"]),
    "internal domain also personal": _internal_is_personal,
    "misspelt column in a header": _rename(random.Random(SEED).choice(sorted(config.SEED_FILES))),
}


def test_the_catalogue_covers_every_column_of_every_seed():
    """Every column of every config seed has at least one mutation kind (so a new spec line
    without a bad example is noticed)."""
    covered = set()
    rng = random.Random(SEED)
    for mutate in CATALOGUE.values():
        for _ in range(8):
            seed, _, column = mutate(shipped(), rng)
            covered.add((seed, column))
    expected = {(name, col.name) for name, spec in config.SEEDS.items() for col in spec.columns}
    assert expected - covered == set()
    assert len(CATALOGUE) >= 20


def test_every_mutation_fails_naming_file_line_and_column():
    rng = random.Random(SEED)
    kinds = sorted(CATALOGUE)
    for case in range(CASES):
        kind = kinds[case % len(kinds)] if case < len(kinds) else rng.choice(kinds)
        seeds = shipped()
        seed, line, column = CATALOGUE[kind](seeds, rng)
        where = f"{config.SEED_FILES[seed]} line {line}"
        context = (
            f"config fuzz case {case} ({kind}) on {where}, column {column}; reproduce with "
            f"PQL_CONFIG_FUZZ_SEED={SEED}"
        )
        try:
            config.validate_all(seeds, DEFAULTS)
        except config.ConfigError as error:
            lines = str(error).splitlines()[1:]
            hit = [m for m in lines if m.strip().startswith(where) and f", column {column}:" in m]
            assert hit, f"{context}: no message names it; got:\n{error}"
        else:
            pytest.fail(f"{context}: the validator accepted it")


def test_a_mutated_seed_fails_a_real_dbt_build_with_the_message(tmp_path):
    """One mutation, written into a copy of the project's seeds, through `dbt seed` and
    `dbt build --select int_pql_config_validated_py`."""
    rng = random.Random(SEED)
    kinds = [k for k in sorted(CATALOGUE) if not k.startswith(("empty", "misspelt"))]
    kind = rng.choice(kinds)
    seeds = shipped()
    seed, line, column = CATALOGUE[kind](seeds, rng)
    project = copy_project(tmp_path)
    path = project / config.SEED_FILES[seed]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(seeds[seed][0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(seeds[seed])
    db = tmp_path / "pql.duckdb"
    run_dbt(["seed", "--project-dir", str(project)], db, tmp_path)
    output = run_dbt(
        ["build", "--select", "int_pql_config_validated_py", "--project-dir", str(project)],
        db,
        tmp_path,
        check=False,
    )
    where = f"{config.SEED_FILES[seed]} line {line}"
    assert f"column {column}:" in output and where in output, (
        f"{kind} on {where}, column {column} (PQL_CONFIG_FUZZ_SEED={SEED}):\n{output[-4000:]}"
    )
