"""Configuration validation (models/intermediate/signals/int_pql_config_validated_py.py): every
kind of bad configuration fails with the file, the line, the column and the problem; the
shipped configuration is valid; a bad seed fails a real dbt run with that message; and a CSV
whose structure is broken fails `dbt seed` with the line (macros/check_seed_files.sql)."""

from __future__ import annotations

import csv
import shutil

import pytest

from tests.model_code import load_model
from tests.support import REPO_ROOT, run_dbt

config = load_model("models/intermediate/signals/int_pql_config_validated_py.py")
DEFAULTS = {"min_days_before_demotion": 14, "cooldown_days": 7}


def read_seed(name: str) -> list[dict]:
    with open(REPO_ROOT / "seeds" / f"{name}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def shipped() -> dict[str, list[dict]]:
    """Every config seed as the validator reads it (name -> rows of text, in file order)."""
    return {
        name: read_seed(file.removeprefix("seeds/").removesuffix(".csv"))
        for name, file in config.SEED_FILES.items()
    }


def validate(seeds: dict) -> list[dict]:
    return config.validate_all(seeds, DEFAULTS)


def copy_project(tmp_path):
    """A copy of the dbt project whose seeds a test may break."""
    project = tmp_path / "project"
    project.mkdir()
    for item in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds"):
        source = REPO_ROOT / item
        if source.is_dir():
            shutil.copytree(source, project / item)
        else:
            shutil.copy(source, project / item)
    return project


def test_shipped_configuration_is_valid():
    rows = validate(shipped())
    definitions = {r["definition_id"] for r in rows}
    assert definitions == {"self_serve_to_paid", "team_ready", "expansion"}
    assert all(len(r["definition_version"]) == 12 for r in rows)


def test_decoy_events_carry_no_weight_in_the_default_definitions():
    counted = {r["event_name"] for r in validate(shipped()) if r["weight"] > 0}
    decoys = {"dashboard_viewed", "settings_opened", "notification_clicked", "help_article_opened"}
    assert counted
    assert counted & decoys == set()


def broken(seed: str, line: int, **changes) -> dict:
    seeds = shipped()
    seeds[seed][line - 2].update(changes)
    return seeds


def renamed(seed: str, column: str, new_name: str) -> dict:
    seeds = shipped()
    seeds[seed] = [
        {new_name if k == column else k: v for k, v in row.items()} for row in seeds[seed]
    ]
    return seeds


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        (
            broken("signals", 2, aggregation="median"),
            "seeds/pql_signals.csv line 2 (definition_id=self_serve_to_paid), column aggregation:"
            " unknown aggregation 'median'; expected one of count,",
        ),
        (
            broken("signals", 3, window_days="-3"),
            "seeds/pql_signals.csv line 3 (definition_id=self_serve_to_paid), column "
            "window_days: '-3' is not a whole number of days from 1 to 3650",
        ),
        (
            broken("signals", 3, signal_id="projects_created"),
            "seeds/pql_signals.csv line 3 (definition_id=self_serve_to_paid), column signal_id:"
            " duplicate signal id 'projects_created' in definition 'self_serve_to_paid'",
        ),
        (
            broken("signals", 2, threshold="three"),
            "seeds/pql_signals.csv line 2 (definition_id=self_serve_to_paid), column threshold:"
            " 'three' is not a number above 0 to 1e+09",
        ),
        (
            broken("signals", 2, property_filter="integration slack"),
            "column property_filter: 'integration slack' is not of the form key = value",
        ),
        (
            broken("signals", 2, reason_template="Made {count} things"),
            "column reason_template: unknown placeholder(s) {count}",
        ),
        (
            broken("signals", 2, event_names="Project Created"),
            "column event_names: 'Project Created' is not a normalised event name; write "
            "'project_created'",
        ),
        (
            broken("signals", 2, definition_id="nope"),
            "seeds/pql_signals.csv line 2 (definition_id=nope), column definition_id: unknown "
            "definition 'nope'",
        ),
        (
            broken("signals", 2, aggregation="distinct_users"),
            "distinct_users counts users in an account; use it in account definitions",
        ),
        (
            broken("signals", 7, page_host="https://app.pql-demo.io"),
            "seeds/pql_signals.csv line 7 (definition_id=self_serve_to_paid), column page_host:"
            " 'https://app.pql-demo.io' must be a host only (e.g. app.example.com), without "
            "scheme, port or path",
        ),
        (
            broken("signals", 7, page_host="www.pql-demo.io"),
            "column page_host: 'www.pql-demo.io': hosts are stored without a leading www., "
            "write 'pql-demo.io'",
        ),
        (
            broken("signals", 7, page_host="App.PQL-demo.io"),
            "column page_host: 'App.PQL-demo.io' is not a lower-case host name",
        ),
        (
            broken("signals", 2, page_host="app.pql-demo.io"),
            "seeds/pql_signals.csv line 2 (definition_id=self_serve_to_paid), column page_host:"
            " filters page views by host; event_names must be page_viewed (is 'project_created')",
        ),
        (
            broken("definitions", 2, score_threshold="lots"),
            "seeds/pql_definitions.csv line 2 (definition_id=self_serve_to_paid), column "
            "score_threshold: 'lots' is not a number from 0 to 1e+09",
        ),
        (
            broken("definitions", 2, required_signals="ghost"),
            "column required_signals: required signal 'ghost' is not a signal of this definition",
        ),
        (
            broken("definitions", 2, motion="expansion"),
            "the expansion motion is for accounts (paying workspaces), not users",
        ),
        (
            broken("tiers", 5, min_score="10"),
            "seeds/pql_tiers.csv line 5 (tier=cold), column min_score: no tier has min_score 0",
        ),
        (
            broken("fit_rules", 5, value="many"),
            "seeds/pql_fit_rules.csv line 5 (rule_id=mid_market), column value: 'many' is not a "
            "number (operator >= compares numbers)",
        ),
        (
            broken("fit_rules", 2, attribute="shoe_size"),
            "column attribute: unknown user attribute 'shoe_size'",
        ),
        (
            broken("signals", 2, window_days="99999999999"),
            "column window_days: '99999999999' is not a whole number of days from 1 to 3650",
        ),
        (
            broken("signals", 2, window_days="3000000"),
            "column window_days: '3000000' is not a whole number of days from 1 to 3650",
        ),
        (
            broken("signals", 2, weight="1e308"),
            "column weight: '1e308' is not a number from -1e+06 to 1e+06",
        ),
        (
            broken("signals", 2, event_names="project_created|project_created"),
            "column event_names: 'project_created' is listed twice in "
            "'project_created|project_created'",
        ),
        (
            broken("tiers", 3, min_score="75"),
            "seeds/pql_tiers.csv line 3 (tier=warm), column min_score: duplicate min score '75' "
            "(already on line 2)",
        ),
        (
            broken("fit_rules", 3, reason="Persona is {persona}"),
            "seeds/pql_fit_rules.csv line 3 (rule_id=buyer_persona), column reason: unknown "
            "placeholder(s) {persona}; use {value}",
        ),
        (
            broken("routing_rules", 3, owner="tom.weber at pql-demo"),
            "seeds/routing_rules.csv line 3 (rule_id=mid_market_north_america), column owner: "
            "'tom.weber at pql-demo' is not an email address (owner_type user)",
        ),
        (
            broken("routing_rules", 3, min_employees="500", max_employees="499"),
            "column max_employees: 499 is below min_employees 500, so the rule never matches",
        ),
        (
            broken("routing_rules", 2, countries="US|USA"),
            "seeds/routing_rules.csv line 2 (rule_id=enterprise_north_america), column "
            "countries: 'USA' is not a two-letter country code",
        ),
        (
            broken("routing_rules", 4, priority="10"),
            "column priority: duplicate priority '10' (already on line 2)",
        ),
        (
            broken("activation_milestones", 3, event_name="Project Created"),
            "seeds/activation_milestones.csv line 3 (milestone_id=first_project), column "
            "event_name: 'Project Created' is not a normalised event name",
        ),
        (
            broken("personal_email_domains", 5, email_domain="gmail.com."),
            "seeds/personal_email_domains.csv line 5, column email_domain: 'gmail.com.' is not "
            "a plausible domain",
        ),
        (
            broken("personal_email_domains", 6, email_domain="gmail.com"),
            "seeds/personal_email_domains.csv line 6, column email_domain: duplicate email "
            "domain 'gmail.com' (already on line 5)",
        ),
        (
            broken("internal_email_domains", 2, email_domain="gmail.com"),
            "seeds/internal_email_domains.csv line 2, column email_domain: 'gmail.com' is also "
            "in seeds/personal_email_domains.csv",
        ),
        (
            broken("definitions", 2, score_threshold="500"),
            "column score_threshold: 500 is more than all its signals' positive weights add up "
            "to (100)",
        ),
        # richer signals
        (
            broken("signals", 2, aggregation="sum"),
            "seeds/pql_signals.csv line 2 (definition_id=self_serve_to_paid), column property_key:"
            " is required: sum reads this property",
        ),
        (
            broken("signals", 2, aggregation="distinct_events", property_key="minutes"),
            "column property_key: only distinct_property_values, sum, max, avg use it, not "
            "distinct_events",
        ),
        (
            broken("signals", 2, threshold_max="3"),
            "column threshold_max: 3 is below threshold 4, so the signal never fires",
        ),
        (
            broken("signals", 3, threshold_max="2"),
            "column threshold_max: must be empty for first_time",
        ),
        (
            broken("signals", 2, disqualifies="yes"),
            "column disqualifies: 'yes' is not true or false",
        ),
        (
            broken("signals", 2, disqualifies="true"),
            "column weight: must be 0 for a disqualifier",
        ),
        (
            broken("signals", 2, disqualifies="true", weight="0"),
            "column lifespan_days: must be empty or 0 for a disqualifier",
        ),
        (
            broken("signals", 2, event_names="report*_shared"),
            "column event_names: 'report*_shared' has a * that is not at the end",
        ),
        (
            broken("signals", 2, event_names="Report_*"),
            "column event_names: 'Report_*' is not a normalised event name; write 'report_*'",
        ),
        (
            broken("signals", 2, event_names="report__*"),
            "column event_names: 'report__*' is not a normalised event name",
        ),
        (
            broken("signals", 2, event_names="*"),
            "column event_names: '*' is not a normalised event name",
        ),
        (
            broken("signals", 2, event_names="report_*|report_shared"),
            "column event_names: 'report_shared' is already matched by 'report_*'",
        ),
        (
            broken("activation_milestones", 3, event_name="project_*"),
            "seeds/activation_milestones.csv line 3 (milestone_id=first_project), column "
            "event_name: 'project_*' is not a normalised event name",
        ),
        (
            {
                **broken("signals", 2, disqualifies="true", weight="0", lifespan_days=""),
                "definitions": [
                    {**row, "required_signals": "projects_created"}
                    if row["definition_id"] == "self_serve_to_paid"
                    else row
                    for row in shipped()["definitions"]
                ],
            },
            "column required_signals: required signal 'projects_created' is a disqualifier",
        ),
        (
            {**shipped(), "signals": []},
            "seeds/pql_signals.csv line 2, column definition_id: the file has no signals",
        ),
        (
            {**shipped(), "definitions": []},
            "seeds/pql_definitions.csv line 2, column definition_id: the file has no definitions",
        ),
        (
            renamed("signals", "weight", "weigth"),
            "seeds/pql_signals.csv line 1 (header), column weigth: unknown column",
        ),
    ],
)
def test_each_configuration_error_names_file_line_and_problem(seeds, expected):
    with pytest.raises(config.ConfigError) as error:
        validate(seeds)
    assert expected in str(error.value)


def test_every_problem_is_reported_at_once():
    seeds = broken("signals", 2, aggregation="median", threshold="x")
    with pytest.raises(config.ConfigError) as error:
        validate(seeds)
    assert "column aggregation" in str(error.value)
    assert "column threshold" in str(error.value)


def test_page_host_reaches_the_output_and_an_absent_column_means_no_filter():
    rows = {r["signal_id"]: r for r in validate(shipped())}
    assert rows["pricing_viewed"]["page_host"] == "pql-demo.io"
    assert rows["projects_created"]["page_host"] is None
    seeds = shipped()
    for row in seeds["signals"]:
        del row["page_host"]  # a signals CSV written before the column existed
    assert all(r["page_host"] is None for r in validate(seeds))


def test_adding_the_empty_page_host_column_keeps_definition_versions():
    with_column = shipped()
    without_column = shipped()
    for row in without_column["signals"]:
        row.pop("page_host")
    before = {r["definition_id"]: r["definition_version"] for r in validate(without_column)}
    after = {r["definition_id"]: r["definition_version"] for r in validate(with_column)}
    # team_ready and expansion set no host: unchanged; self_serve_to_paid sets one: changed.
    assert after["team_ready"] == before["team_ready"]
    assert after["expansion"] == before["expansion"]
    assert after["self_serve_to_paid"] != before["self_serve_to_paid"]


def test_definition_version_changes_with_the_definition_only():
    before = {r["definition_id"]: r["definition_version"] for r in validate(shipped())}
    seeds = broken("signals", 2, threshold="5")  # a self_serve_to_paid signal
    after = {r["definition_id"]: r["definition_version"] for r in validate(seeds)}
    assert after["self_serve_to_paid"] != before["self_serve_to_paid"]
    assert after["team_ready"] == before["team_ready"]
    reordered = shipped()
    reordered["signals"].reverse()
    assert {r["definition_id"]: r["definition_version"] for r in validate(reordered)} == before


def test_a_bad_seed_fails_the_dbt_run_with_the_message(tmp_path):
    project = copy_project(tmp_path)
    signals = (project / "seeds" / "pql_signals.csv").read_text().splitlines()
    signals[1] = signals[1].replace(",count,", ",median,", 1)
    (project / "seeds" / "pql_signals.csv").write_text("\n".join(signals) + "\n")
    output = run_dbt(
        ["build", "--select", "+int_pql_config_validated", "--project-dir", str(project)],
        tmp_path / "pql.duckdb",
        tmp_path,
        check=False,
    )
    assert "seeds/pql_signals.csv line 2" in output
    assert "unknown aggregation 'median'" in output


def test_a_malformed_seed_csv_fails_dbt_seed_with_file_line_and_column(tmp_path):
    """dbt alone says "Row 1 has 4 values, but Table only has 3 columns"; the on-run-start
    check (macros/check_seed_files.sql) names the file, the line, the column and the fix."""
    project = copy_project(tmp_path)
    milestones = project / "seeds" / "activation_milestones.csv"
    lines = milestones.read_text().splitlines()
    lines[2] = lines[2] + ", and shared it"  # an unquoted comma in the description
    milestones.write_text("\n".join(lines) + "\n")
    routing = project / "seeds" / "routing_rules.csv"
    lines = routing.read_text().splitlines()
    lines[1] = lines[1].replace(",500,", ",500+,", 1)  # not an integer (typed column)
    routing.write_text("\n".join(lines) + "\n")
    output = run_dbt(
        ["seed", "--project-dir", str(project)], tmp_path / "pql.duckdb", tmp_path, check=False
    )
    assert (
        "seeds/activation_milestones.csv line 3, column description: more values than the "
        "header has columns; a value containing a comma must be in double quotes" in output
    )
    assert (
        "seeds/routing_rules.csv line 2, column min_employees: is not a value of type integer"
        in (output)
    )


RICHER = [
    # definition_id, signal_id, event_names, aggregation, property_key, window_days, threshold,
    # threshold_max, weight, disqualifies
    ("self_serve_to_paid", "minutes_watched", "video_watched", "sum", "minutes_watched", "7", "30",
     "", "10", ""),
    ("self_serve_to_paid", "longest_video", "video_watched", "max", "minutes_watched", "7", "20",
     "", "5", "false"),
    ("self_serve_to_paid", "typical_video", "video_watched", "avg", "minutes_watched", "7", "5",
     "60", "5", ""),
    ("self_serve_to_paid", "report_features", "report_*", "distinct_events", "", "14", "2", "",
     "10", ""),
    ("self_serve_to_paid", "growing_usage", "project_*|report_*", "count_growth", "", "7", "1.5",
     "", "10", ""),
    ("self_serve_to_paid", "cancel_page", "page_viewed", "count", "", "14", "1", "", "0", "true"),
    ("self_serve_to_paid", "settings_heavy", "settings_opened", "count", "", "7", "20", "",
     "-15", ""),
]  # fmt: skip


def with_richer_signals() -> dict:
    seeds = shipped()
    template = seeds["signals"][0]
    for definition, signal_id, names, aggregation, key, window, low, high, weight, disq in RICHER:
        seeds["signals"].append(
            {
                **{column: "" for column in template},
                "definition_id": definition,
                "signal_id": signal_id,
                "category": "usage",
                "event_names": names,
                "aggregation": aggregation,
                "property_key": key,
                "window_days": window,
                "threshold": low,
                "threshold_max": high,
                "weight": weight,
                "disqualifies": disq,
                "reason_template": "{value} in {window} days",
            }
        )
    return seeds


def test_richer_signals_are_valid_and_reach_the_output():
    rows = {(r["signal_id"], r["event_name"]): r for r in validate(with_richer_signals())}
    assert rows[("minutes_watched", "video_watched")]["property_key"] == "minutes_watched"
    assert rows[("typical_video", "video_watched")]["threshold_max"] == 60
    assert rows[("projects_created", "project_created")]["threshold_max"] is None
    assert rows[("cancel_page", "page_viewed")]["disqualifies"] is True
    assert rows[("longest_video", "video_watched")]["disqualifies"] is False
    assert rows[("settings_heavy", "settings_opened")]["weight"] == -15
    assert {name for signal_id, name in rows if signal_id == "growing_usage"} == {
        "project_*",
        "report_*",
    }


def test_the_new_empty_columns_keep_definition_versions():
    """threshold_max and disqualifies came after the seed's first release: a file without them
    and the shipped file (empty there) give the same definition_version."""
    without_columns = shipped()
    for row in without_columns["signals"]:
        row.pop("threshold_max")
        row.pop("disqualifies")
    before = {r["definition_id"]: r["definition_version"] for r in validate(without_columns)}
    assert {r["definition_id"]: r["definition_version"] for r in validate(shipped())} == before


def test_negative_weights_do_not_count_towards_the_reachable_score():
    seeds = with_richer_signals()
    # the positive weights of self_serve_to_paid add up to 100 + 40 (the richer signals)
    seeds["definitions"][0]["score_threshold"] = "140"
    validate(seeds)
    seeds["definitions"][0]["score_threshold"] = "141"
    with pytest.raises(config.ConfigError, match="positive weights add up to \\(140\\)"):
        validate(seeds)
