"""Validate the business configuration seeds before dbt runs, with the same functions the dbt
Python model int_pql_config_validated_py runs (imported from the model file, as pytest does).

On targets that cannot run dbt Python models (PostgreSQL, dbt-spark) that model is disabled
and only a handful of SQL guards check the configuration inside dbt, so the production run
there is

    python -m pql_tools.check_config && dbt build

It reads the eight seed CSV files from the project directory, and exits 0 when they are valid,
1 with one line per problem (file, line, column, problem) when they are not
(docs/config_without_python.md).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from pathlib import Path

import yaml

MODEL_FILE = "models/intermediate/signals/int_pql_config_validated_py.py"
# The anti-flapping defaults a definition may leave empty (vars in dbt_project.yml).
DEFAULT_VARS = {
    "min_days_before_demotion": "pql_min_days_before_demotion",
    "cooldown_days": "pql_requalify_cooldown_days",
}
TOO_MANY = (
    "more values than the header has columns; a value containing a comma must be in double "
    'quotes ("like, this")'
)
TOO_FEW = (
    "fewer values than the header has columns; write an empty value as nothing between two commas"
)


def load_validator(project_dir: Path):
    """The model file as a module (its pure functions; `model()` itself needs dbt)."""
    path = project_dir / MODEL_FILE
    spec = importlib.util.spec_from_file_location("pql_check_config_validator", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_seed(project_dir: Path, file: str) -> tuple[list[dict], list[str]]:
    """The rows of one seed CSV as text (in file order) and the problems with its structure."""
    rows, problems = [], []
    try:
        with open(project_dir / file, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, restkey="\x00extra")
            header = reader.fieldnames or []
            for row in reader:
                if "\x00extra" in row:
                    problems.append(
                        f"{file} line {reader.line_num}, column {header[-1]}: {TOO_MANY}"
                    )
                    row.pop("\x00extra")
                missing = [k for k, v in row.items() if v is None]
                if missing:
                    problems.append(
                        f"{file} line {reader.line_num}, column {missing[0]}: {TOO_FEW}"
                    )
                rows.append({k: v or "" for k, v in row.items()})
    except FileNotFoundError:
        problems.append(f"{file} line 1, column (file): the file does not exist")
    except UnicodeDecodeError as error:
        problems.append(f"{file} line 1, column (file): text that is not UTF-8 ({error.reason})")
    return rows, problems


def defaults(project_dir: Path) -> dict:
    variables = yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]
    return {setting: variables[var] for setting, var in DEFAULT_VARS.items()}


def check(project_dir: Path) -> tuple[bool, str]:
    """(valid, report): every problem by file, line and column, or a one-line summary."""
    validator = load_validator(project_dir)
    seeds, problems = {}, []
    for name, file in validator.SEED_FILES.items():
        seeds[name], structure = read_seed(project_dir, file)
        problems += structure
    if problems:
        return False, "seed CSV files are malformed:\n  " + "\n  ".join(problems)
    try:
        rows = validator.validate_all(seeds, defaults(project_dir))
    except validator.ConfigError as error:
        return False, str(error)
    definitions = {row["definition_id"] for row in rows}
    signals = {(row["definition_id"], row["signal_id"]) for row in rows}
    return True, (
        f"PQL configuration is valid: {len(definitions)} definitions, {len(signals)} signals, "
        f"all {len(validator.SEED_FILES)} configuration seeds checked"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pql_tools.check_config", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--project-dir", type=Path, default=Path("."), help="the dbt project (default: .)"
    )
    args = parser.parse_args(argv)
    valid, report = check(args.project_dir.resolve())
    print(report, file=sys.stdout if valid else sys.stderr)
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
