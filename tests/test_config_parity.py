"""Configuration on engines without dbt Python models (docs/config_without_python.md).

- Parity: int_pql_config_validated_py (the Python validator) and int_pql_config_validated_sql
  (its SQL twin, what PostgreSQL and Spark build) give identical rows, column types and
  definition_version on DuckDB, for the shipped seeds and for a richer configuration (padded
  values, overrides, several event names, a property filter, unicode, number spellings, and a
  signals file without the later page_host column); and the CLI's validator agrees.
- The CLI `python -m pql_tools.check_config` passes the shipped seeds and fails a bad row or a
  malformed CSV naming file, line and column.
- The SQL guards fail on planted bad rows, and stop the SQL twin from building.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from pql_tools import check_config
from tests.support import REPO_ROOT, query, run_dbt
from tests.test_signal_config import config, shipped

CONFIG_MODELS = ["+int_pql_config_validated", "+int_pql_config_validated_sql"]

RICH_DEFINITIONS = """\
definition_id,entity,motion,score_threshold,required_signals,min_fit_score,min_days_before_demotion,cooldown_days,description
trial_user,user,new_business, 40 ,built_a | invited,25.5,0,030,"Trial users, who ""build"" things"
team,account,new_business,1e2,,,7,,
grow,account,expansion,.5,,0,,3650,Résumé ünïcode
"""  # noqa: E501
# Long lines: CSV rows are easier to read whole.
RICH_SIGNALS = """\
definition_id,signal_id,category,event_names,property_filter,page_path_prefix,aggregation,property_key,window_days,threshold,weight,lifespan_days,reason_template
trial_user,built_a,usage, project_created | report_shared ,plan = pro,,count,,7,+3,20,007,"Built {value} things in {window} days, at least {threshold}"
trial_user,invited,expansion,teammate_invited,,,active_days,,3650,0.5,20.25,,Invited on {value} days
trial_user,pricing,intent,page_viewed,,/pricing,count,,1,1,1e1,0,Viewed pricing
trial_user,onboarded,activation,événement_créé,,,first_time,,,1,0,,Done
team,builders,usage,a|b|c|d|e,,,distinct_users,,14,2,60,14,{value} builders
team,integrations,activation,integration_connected,integration_type = crm,,distinct_property_values,integration,30,2,40,,{value} integrations
grow,seats,expansion,invite_accepted,,,count,,30,1e0,1,1,{value} seats
"""  # noqa: E501


# Every richer signal: numeric aggregations, distinct_events, count_growth, a band, a
# disqualifier, a negative weight and wildcards (the later columns present).
RICHER_SIGNALS = """\
definition_id,signal_id,category,event_names,property_filter,page_path_prefix,page_host,aggregation,property_key,window_days,threshold,threshold_max,weight,disqualifies,lifespan_days,reason_template
trial_user,built_a,usage,project_created|report_*,,,,count,,7,3,,40,,,Built {value}
trial_user,invited,expansion,teammate_invited,,,,active_days,,30,1, 10 ,20.25,false,,Invited on {value} days
trial_user,watched,usage,video_watched,,,,sum,minutes_watched,7,30,,10,,,Watched {value} minutes
trial_user,longest,usage,video_watched,,,,max,minutes_watched,7,20,,5,,,Watched {value} minutes at once
trial_user,typical,usage,video_*,,,,avg,minutes_watched,7,5,60,5,,,{value} minutes on average
trial_user,cancel,intent,page_viewed,,/cancel,app.example.com,count,,14,1,,0, true ,0,Visited the cancel page
team,features,usage,report_*|project_*,,,,distinct_events,,14,2,,60,,14,{value} features
team,growing,usage,project_*|invite_*,,,,count_growth,,7,1.5,,40,,,Usage grew {value} times
grow,seats,expansion,invite_accepted,,,,count,,30,1e0,,-1,,1,{value} seats
grow,up,expansion,invite_accepted,,,,count,,30,1,,2,,1,{value} seats
"""  # noqa: E501


def project_with(tmp_path, files: dict[str, str] | None = None):
    """A copy of the dbt project (with its data tests) whose seed files `files` replaces."""
    project = tmp_path / "project"
    project.mkdir()
    for item in ("dbt_project.yml", "models", "macros", "seeds", "data-tests"):
        source = REPO_ROOT / item
        if source.is_dir():
            shutil.copytree(source, project / item)
        else:
            shutil.copy(source, project / item)
    for name, text in (files or {}).items():
        (project / "seeds" / f"{name}.csv").write_text(text)
    header = (project / "seeds" / "pql_signals.csv").read_text().splitlines()[0].split(",")
    seeds_yml = project / "seeds" / "_seeds.yml"
    for column in ("page_host", "threshold_max", "disqualifies"):
        if column not in header:
            # A signals file from before the column: the seed does not declare it either.
            seeds_yml.write_text(seeds_yml.read_text().replace(f" {column}: varchar,", ""))
    return project


def build_config(tmp_path, project, check: bool = True) -> tuple:
    db = tmp_path / "pql.duckdb"
    output = run_dbt(
        ["build", "--select", *CONFIG_MODELS, "--indirect-selection", "cautious"]
        + ["--project-dir", str(project)],
        db,
        tmp_path,
        check=check,
    )
    return db, output


def table(db, model: str) -> list[tuple]:
    return query(db, f"select * from main_intermediate.{model} order by signal_event_key")


def columns(db, model: str) -> list[tuple]:
    return query(db, f"select column_name, column_type from (describe main_intermediate.{model})")


def assert_parity(db) -> list[tuple]:
    python_rows = table(db, "int_pql_config_validated_py")
    assert python_rows
    assert table(db, "int_pql_config_validated_sql") == python_rows
    assert table(db, "int_pql_config_validated") == python_rows
    assert columns(db, "int_pql_config_validated_sql") == columns(db, "int_pql_config_validated_py")
    assert [c for c, _ in columns(db, "int_pql_config_validated_py")] == list(config.OUTPUT_COLUMNS)
    return python_rows


def test_shipped_configuration_python_and_sql_rows_are_identical(built):
    """On the session build (every model and data test, the SQL guards among them, passed)."""
    rows = assert_parity(built.db)
    defaults = {"min_days_before_demotion": 14, "cooldown_days": 7}
    expected = config.validate_all(shipped(), defaults)
    assert {r[1]: r[2] for r in rows} == {
        r["definition_id"]: r["definition_version"] for r in expected
    }


def test_richer_configuration_python_and_sql_rows_are_identical(tmp_path):
    project = project_with(
        tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": RICH_SIGNALS}
    )
    db, _ = build_config(tmp_path, project)
    rows = assert_parity(db)
    by_key = {r[0]: dict(zip(config.OUTPUT_COLUMNS, r, strict=True)) for r in rows}
    built_a = by_key["trial_user|built_a|report_shared"]
    assert built_a["required_signals"] == "built_a|invited"
    assert (built_a["score_threshold"], built_a["min_fit_score"], built_a["threshold"]) == (
        40,
        25.5,
        3,
    )
    assert (
        built_a["min_days_before_demotion"],
        built_a["cooldown_days"],
        built_a["lifespan_days"],
    ) == (0, 30, 7)
    assert (built_a["property_filter_key"], built_a["property_filter_value"]) == ("plan", "pro")
    assert built_a["page_host"] is None
    assert by_key["team|builders|a"]["cooldown_days"] == 7  # the var's default
    assert len([k for k in by_key if k.startswith("team|builders|")]) == 5
    assert "trial_user|onboarded|événement_créé" in by_key
    # The CLI reads the CSV files themselves and computes the same versions.
    validator = check_config.load_validator(project)
    seeds = {
        name: check_config.read_seed(project, file)[0]
        for name, file in validator.SEED_FILES.items()
    }
    from_files = {
        r["definition_id"]: r["definition_version"]
        for r in validator.validate_all(seeds, check_config.defaults(project))
    }
    assert from_files == {r[1]: r[2] for r in rows}


def test_the_sql_seed_columns_and_bounds_match_the_validator():
    """macros/pql_config_seed_columns.sql and macros/pql_config_bounds.sql restate the
    validator's specs for the SQL path; they must not drift."""
    text = (REPO_ROOT / "macros" / "pql_config_seed_columns.sql").read_text()
    for seed in ("definitions", "signals"):
        names = [c.name for c in config.SEEDS[seed].columns]
        block = text[text.index(f"'pql_{seed}'") :]
        listed = re.findall(
            r"'([a-z_]+)'", block[block.index("'columns'") : block.index("'later'")]
        )
        assert listed[1:] == names
    bounds = (REPO_ROOT / "macros" / "pql_config_bounds.sql").read_text()
    for key, value in {
        "days": config.MAX_DAYS,
        "weight": config.MAX_WEIGHT,
        "score": config.MAX_SCORE,
        "count": config.MAX_COUNT,
    }.items():
        assert f"'{key}': {value}" in bounds
    supported = re.search(
        r"target.type in (\[.*?\])",
        (REPO_ROOT / "macros" / "pql_python_models_supported.sql").read_text(),
    ).group(1)
    models_yml = (
        REPO_ROOT / "models" / "intermediate" / "signals" / "_int_signals__models.yml"
    ).read_text()
    assert f"target.type in {supported}" in models_yml


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pql_tools.check_config", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_passes_the_shipped_configuration():
    result = run_cli("--project-dir", str(REPO_ROOT))
    assert result.returncode == 0, result.stderr
    assert "PQL configuration is valid: 3 definitions, 14 signals" in result.stdout


def test_cli_fails_a_bad_configuration_naming_file_line_and_column(tmp_path):
    signals = RICH_SIGNALS.replace(
        "trial_user,invited,expansion,teammate_invited,,,active_days,,3650",
        "trial_user,invited,expansion,teammate_invited,,,active_days,,two weeks",
    )
    tiers = (REPO_ROOT / "seeds" / "pql_tiers.csv").read_text().replace("cold,0,", "cold,5,")
    project = project_with(
        tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": signals, "pql_tiers": tiers}
    )
    result = run_cli("--project-dir", str(project))
    assert result.returncode == 1
    assert (
        "seeds/pql_signals.csv line 3 (definition_id=trial_user), column window_days: "
        "'two weeks' is not a whole number of days from 1 to 3650" in result.stderr
    )
    assert (
        "seeds/pql_tiers.csv line 5 (tier=cold), column min_score: no tier has min_score 0"
        in result.stderr
    )


def test_cli_fails_a_malformed_csv_naming_file_line_and_column(tmp_path):
    milestones = (REPO_ROOT / "seeds" / "activation_milestones.csv").read_text().splitlines()
    milestones[2] += ", and shared it"
    project = project_with(tmp_path, {"activation_milestones": "\n".join(milestones) + "\n"})
    result = run_cli("--project-dir", str(project))
    assert result.returncode == 1
    assert (
        "seeds/activation_milestones.csv line 3, column description: more values than the "
        "header has columns" in result.stderr
    )


def test_sql_guards_fail_on_planted_bad_rows_and_stop_the_sql_twin(tmp_path):
    signals = RICH_SIGNALS.replace(
        "grow,seats,expansion,invite_accepted,,,count,",
        "ghost,seats,expansion,invite_accepted,,,count,",
    )
    signals = signals.replace(
        "trial_user,pricing,intent,page_viewed,,/pricing,count,,1,1,1e1",
        "trial_user,pricing,intent,page_viewed,,/pricing,median,,abc,1,-2e6",
    )
    signals += "team,builders,usage,project_created,,,distinct_users,,14,2,60,14,{value} builders\n"
    definitions = RICH_DEFINITIONS.replace("team,account,new_business", "team,team,new_business")
    project = project_with(tmp_path, {"pql_definitions": definitions, "pql_signals": signals})
    db, output = build_config(tmp_path, project, check=False)
    failed = set(re.findall(r"FAIL \d+ (\S+) ", output))
    assert {
        "assert_pql_config_signals_belong_to_a_definition",
        "assert_pql_config_values_are_known",
        "assert_pql_config_numbers_are_in_range",
        "unique_combination_int_pql_config_rows_parsed_definition_id__signal_id",
    } <= failed, output[-4000:]
    assert re.search(r"SKIP relation \S+int_pql_config_validated_sql", output), output[-4000:]
    problems = {
        (file, column, value, problem)
        for test in ("signals_belong_to_a_definition", "values_are_known", "numbers_are_in_range")
        for file, column, value, problem in query(
            db,
            "select file_name, column_name, value_as_written, problem "
            f"from main_test_failures.assert_pql_config_{test}",
        )
    }
    assert (
        "seeds/pql_signals.csv",
        "definition_id",
        "ghost",
        "unknown definition (not in seeds/pql_definitions.csv)",
    ) in problems
    assert (
        "seeds/pql_definitions.csv",
        "definition_id",
        "grow",
        "definition has no signals in seeds/pql_signals.csv",
    ) in problems
    assert ("seeds/pql_definitions.csv", "entity", "team", "must be user or account") in problems
    assert (
        "seeds/pql_signals.csv",
        "aggregation",
        "median",
        "must be count, active_days, distinct_users, distinct_property_values, distinct_events, "
        "sum, max, avg, count_growth or first_time",
    ) in problems
    assert (
        "seeds/pql_signals.csv",
        "window_days",
        "abc",
        "is not a whole number of days from 1 to 3650",
    ) in problems
    assert (
        "seeds/pql_signals.csv",
        "weight",
        "-2e6",
        "is not a number from -1000000 to 1000000",
    ) in problems


def test_sql_guard_fails_on_an_event_name_that_is_not_normalised(tmp_path):
    signals = RICH_SIGNALS.replace(",teammate_invited,", ",Teammate Invited,")
    project = project_with(tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": signals})
    db, output = build_config(tmp_path, project, check=False)
    assert re.search(r"FAIL 1 assert_pql_config_event_names_are_normalised ", output), output[
        -4000:
    ]
    rows = query(
        db,
        "select value_as_written, problem "
        "from main_test_failures.assert_pql_config_event_names_are_normalised",
    )
    assert rows == [("Teammate Invited", "is not a normalised event name; write teammate_invited")]


def with_extra_column(csv_text: str, name: str) -> str:
    lines = csv_text.splitlines()
    return "\n".join([f"{lines[0]},{name}"] + [f"{line},x" for line in lines[1:]]) + "\n"


def test_unknown_header_columns_fail_the_sql_path_naming_file_and_column(tmp_path):
    """A misspelt extra column (e.g. `weigth` next to `weight`) loads into the seed table; the
    SQL path fails on it as the Python validator does. (A missing declared column is caught
    first on DuckDB by check_seed_files; elsewhere int_pql_config_rows_parsed reports it.)"""
    project = project_with(
        tmp_path,
        {
            "pql_definitions": with_extra_column(RICH_DEFINITIONS, "notes"),
            "pql_signals": with_extra_column(RICH_SIGNALS, "weigth"),
        },
    )
    _, output = build_config(tmp_path, project, check=False)
    assert "seeds/pql_definitions.csv line 1 (header), column notes: unknown column" in output
    assert "seeds/pql_signals.csv line 1 (header), column weigth: unknown column" in output


def test_richer_signals_python_and_sql_rows_are_identical(tmp_path):
    """Wildcards, the numeric aggregations, a band, a disqualifier and a negative weight give the
    same rows both ways, and the SQL guards pass them."""
    project = project_with(
        tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": RICHER_SIGNALS}
    )
    db, _ = build_config(tmp_path, project)
    rows = assert_parity(db)
    by_key = {r[0]: dict(zip(config.OUTPUT_COLUMNS, r, strict=True)) for r in rows}
    assert by_key["trial_user|cancel|page_viewed"]["disqualifies"] is True
    assert by_key["trial_user|invited|teammate_invited"]["disqualifies"] is False
    assert by_key["trial_user|invited|teammate_invited"]["threshold_max"] == 10
    assert by_key["trial_user|built_a|project_created"]["threshold_max"] is None
    assert by_key["grow|seats|invite_accepted"]["weight"] == -1
    assert {"trial_user|built_a|report_*", "team|growing|invite_*"} <= set(by_key)


def test_sql_guards_fail_on_planted_bad_richer_rows(tmp_path):
    signals = RICHER_SIGNALS.replace(",sum,minutes_watched,7,30,", ",sum,,7,30,")
    signals = signals.replace(",5,60,5,,,{value} minutes", ",5,4,5,,,{value} minutes")
    signals = signals.replace(",0, true ,0,Visited", ",0,yes,0,Visited")
    signals += "grow,held,expansion,invite_accepted,,,,count,,30,1,,0,true,3,{value} seats\n"
    signals += "grow,weighs,expansion,invite_accepted,,,,count,,30,1,,5,true,,{value} seats\n"
    project = project_with(tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": signals})
    db, output = build_config(tmp_path, project, check=False)
    assert re.search(r"SKIP relation \S+int_pql_config_validated_sql", output), output[-4000:]
    problems = {
        (signal_id, column, value, problem)
        for test in ("values_are_known", "numbers_are_in_range")
        for signal_id, column, value, problem in query(
            db,
            "select signal_id, column_name, value_as_written, problem "
            f"from main_test_failures.assert_pql_config_{test}",
        )
    }
    assert {
        ("watched", "property_key", None, "is required: the aggregation reads this property"),
        ("typical", "threshold_max", "4", "is below threshold, so the signal never fires"),
        ("cancel", "disqualifies", "yes", "must be true or false"),
        (
            "held",
            "lifespan_days",
            "3",
            "must be empty or 0 for a disqualifier (it holds while it fires)",
        ),
        (
            "weighs",
            "weight",
            "5",
            "must be 0 for a disqualifier (it blocks qualification, adds no points)",
        ),
    } <= problems, problems


def test_sql_guard_fails_on_a_wildcard_that_is_not_normalised(tmp_path):
    signals = RICHER_SIGNALS.replace("report_*|project_*", "Report_*|project__*")
    project = project_with(tmp_path, {"pql_definitions": RICH_DEFINITIONS, "pql_signals": signals})
    db, output = build_config(tmp_path, project, check=False)
    rows = query(
        db,
        "select value_as_written "
        "from main_test_failures.assert_pql_config_event_names_are_normalised order by 1",
    )
    assert rows == [("Report_*",), ("project__*",)], output[-4000:]
