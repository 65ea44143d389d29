"""Project conventions (STYLE.md), checked over target/manifest.json and the built warehouse.
dbt-project-evaluator cannot be installed here, so these checks are ours. Exceptions live in
tests/convention_exceptions.yml with their reasons."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.support import REPO_ROOT, query

EXCEPTIONS = yaml.safe_load((Path(__file__).parent / "convention_exceptions.yml").read_text())

LAYER_NAME_PATTERNS = {
    "staging": re.compile(r"^stg_[a-z0-9]+__[a-z0-9_]+$"),
    "intermediate": re.compile(r"^int_[a-z0-9_]+$"),
    "marts": re.compile(r"^(dim|fct|rpt|sync)_[a-z0-9_]+$"),
}


@pytest.fixture(scope="module")
def manifest(built) -> dict:
    return json.loads(built.manifest_path.read_text())


@pytest.fixture(scope="module")
def models(manifest) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "pql"
    ]


def layer_of(model: dict) -> str:
    return Path(model["original_file_path"]).parts[1]


def _tests_on(manifest: dict, model: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and model["unique_id"] in node["depends_on"]["nodes"]
    ]


def test_models_exist_in_every_layer(models):
    assert {layer_of(m) for m in models} == set(LAYER_NAME_PATTERNS)


def test_model_names_follow_their_layer(models):
    wrong = [
        m["original_file_path"]
        for m in models
        if not LAYER_NAME_PATTERNS[layer_of(m)].match(m["name"])
    ]
    assert wrong == []


def test_source_is_used_only_in_staging(models):
    wrong = [m["name"] for m in models if m["sources"] and layer_of(m) != "staging"]
    assert wrong == []
    staging_without_source = [
        m["name"] for m in models if layer_of(m) == "staging" and not m["sources"]
    ]
    assert staging_without_source == []


def test_staging_reads_only_sources(manifest, models):
    """Staging reads sources, and seeds of business configuration at most (the placeholder
    identity blocklist that macro identity_value applies); never another model."""
    seeds = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "seed"}
    wrong = [
        f"{m['name']} -> {ref['name']}"
        for m in models
        if layer_of(m) == "staging"
        for ref in m["refs"]
        if ref["name"] not in seeds
    ]
    assert wrong == []


def test_every_model_is_described_with_its_grain(models):
    missing = [m["name"] for m in models if not m["description"].strip().startswith("One row per")]
    assert missing == []


def test_every_built_column_is_described(built, models):
    undocumented = []
    for model in models:
        actual = {
            row[0]
            for row in query(
                built.db,
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [model["schema"], model["alias"]],
            )
        }
        assert actual, f"{model['name']} was not built"
        documented = {
            name for name, column in model["columns"].items() if column["description"].strip()
        }
        undocumented += [f"{model['name']}.{c}" for c in sorted(actual - documented)]
        stale = set(model["columns"]) - actual
        undocumented += [f"{model['name']}.{c} (documented, not built)" for c in sorted(stale)]
    assert undocumented == []


def test_every_source_table_and_column_is_described(manifest):
    sources = [s for s in manifest["sources"].values() if s["package_name"] == "pql"]
    assert sources
    missing = [s["name"] for s in sources if not s["description"].strip()]
    missing += [
        f"{s['name']}.{c}"
        for s in sources
        for c, column in s["columns"].items()
        if not column["description"].strip()
    ]
    assert missing == []


def _has_primary_key_test(manifest: dict, model: dict) -> bool:
    tests = _tests_on(manifest, model)
    by_column: dict[str, set[str]] = {}
    for test in tests:
        name = test.get("test_metadata", {}).get("name")
        if name == "unique_combination":
            return True
        column = test.get("column_name")
        if column:
            by_column.setdefault(column, set()).add(name)
    for column, names in by_column.items():
        constraints = {c["type"] for c in model["columns"].get(column, {}).get("constraints", [])}
        has_not_null = "not_null" in names or "not_null" in constraints
        if "unique" in names and has_not_null:
            return True
    return False


def test_every_model_has_a_primary_key_test(manifest, models):
    exempt = EXCEPTIONS["primary_key"]
    missing = [
        m["name"]
        for m in models
        if m["name"] not in exempt and not _has_primary_key_test(manifest, m)
    ]
    assert missing == []
    stale_exceptions = [name for name in exempt if name not in {m["name"] for m in models}]
    assert stale_exceptions == []


def test_marts_enforce_contracts(models):
    wrong = [
        m["name"]
        for m in models
        if layer_of(m) == "marts" and not m["config"]["contract"]["enforced"]
    ]
    assert wrong == []


def test_every_macro_is_documented(manifest):
    macros_yml = yaml.safe_load((REPO_ROOT / "macros" / "_macros.yml").read_text())
    documented = {m["name"] for m in macros_yml["macros"] if m.get("description", "").strip()}
    ours = {
        m["name"]
        for m in manifest["macros"].values()
        if m["package_name"] == "pql" and not m["name"].startswith("test_")
    }
    dispatch_variants = {n for n in ours if "__" in n}
    assert ours - dispatch_variants - documented == set()


def test_relation_names_fit_postgres_identifiers(manifest):
    """PostgreSQL truncates or rejects identifiers over 63 bytes; dbt names a model's relation and a
    unit test's temporary relation after the node, so every model and unit test name fits."""
    too_long = sorted(
        f"{node['resource_type']} {node['name']} ({len(node['name'].encode())} bytes)"
        for node in [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
        if node["resource_type"] in {"model", "seed", "snapshot", "unit_test"}
        and len(node["name"].encode()) > 63
    )
    assert not too_long, "names longer than PostgreSQL's 63-byte identifiers:\n" + "\n".join(
        too_long
    )


# --- Names and var defaults (checked over the files, no build needed) ------------------------

VAR_CALL_FOLDERS = ("models", "macros", "data-tests", "analyses")
VAR_CALL = re.compile(r"(?<![\w.])var\(")
VAR_NAME = re.compile(r"""\s*(['"])([A-Za-z0-9_]+)\1\s*$""")


def var_calls(text: str) -> list[tuple[int, str, list[str]]]:
    """Every dbt `var(...)` call in a file's text: (line, call text, top-level arguments).
    `env_var(`, `validated_var(` and `x.var(` are other functions and are not matched."""
    calls = []
    for match in VAR_CALL.finditer(text):
        depth, quote, position, start = 0, None, match.end(), match.end()
        arguments = []
        while position < len(text):
            char = text[position]
            if quote:
                if char == "\\":
                    position += 1
                elif char == quote:
                    quote = None
            elif char in "'\"":
                quote = char
            elif char in "([{":
                depth += 1
            elif char in ")]}" and depth:
                depth -= 1
            elif char == ")":
                break
            elif char == "," and depth == 0:
                arguments.append(text[start:position])
                start = position + 1
            position += 1
        arguments.append(text[start:position])
        line = text.count("\n", 0, match.start()) + 1
        calls.append((line, text[match.start() : position + 1], arguments))
    return calls


def project_var_call_files() -> list[Path]:
    return sorted(
        path
        for folder in VAR_CALL_FOLDERS
        if (REPO_ROOT / folder).is_dir()
        for path in (REPO_ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in {".sql", ".yml", ".yaml", ".py", ".md"}
    )


def test_var_calls_are_found_with_and_without_defaults():
    """The scanner the two checks below rely on: it must see a default however it is written."""
    text = (
        "{{ var('a') }} {{ var(\"b\", 30) | int }} {{ env_var('C', 'x') }}\n"
        "{{ validated_var('d') }} {{ var(\n    'e',\n    ['x', 'y, z'],\n) }}"
        " {{ var('f', default=none) }} {{ var('g') | int }} {{ dbt.dateadd('day', var('h'), 'x') }}"
    )
    found = {
        VAR_NAME.match(arguments[0]).group(2): len(arguments) for _, _, arguments in var_calls(text)
    }
    assert found == {"a": 1, "b": 2, "e": 3, "f": 2, "g": 1, "h": 1}
    assert [line for line, _, _ in var_calls(text)] == [1, 1, 2, 5, 5, 5]


def test_var_defaults_live_in_dbt_project_only():
    """A var's default is written once, in dbt_project.yml; model, macro, data-test and analysis
    code calls var('x') bare, so a default never drifts between two places. A call that truly
    needs a default (e.g. a package-style macro used outside this project) is listed under
    var_default in tests/convention_exceptions.yml as `path: reason`."""
    allowed = EXCEPTIONS.get("var_default") or {}
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {call}"
        for path in project_var_call_files()
        for line, call, arguments in var_calls(path.read_text())
        if len(arguments) > 1 and str(path.relative_to(REPO_ROOT)) not in allowed
    ]
    assert not found, (
        "var() with a default in code; move the default to dbt_project.yml (vars) and call "
        "var('x') bare:\n" + "\n".join(found)
    )


def test_every_var_called_bare_has_its_default_in_dbt_project():
    defaults = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]
    missing = sorted(
        f"{path.relative_to(REPO_ROOT)}:{line}: var {name.group(2)}"
        for path in project_var_call_files()
        for line, _, arguments in var_calls(path.read_text())
        if (name := VAR_NAME.match(arguments[0])) and name.group(2) not in defaults
    )
    assert not missing, "var() of a name without a default in dbt_project.yml:\n" + "\n".join(
        missing
    )


def test_no_model_folder_is_named_metrics():
    """dbt calls its semantic layer's objects metrics (models/marts/semantic/); a model folder of
    the same name reads as that layer when it is not."""
    folders = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "models").rglob("*")
        if path.is_dir() and path.name == "metrics"
    ]
    assert folders == []


def test_marts_live_in_the_folder_their_prefix_says():
    """sync_ marts (what reverse ETL reads) live in models/marts/sync/, and that folder holds
    nothing else; every mart's folder is one of the mart areas, never the layer's root."""
    marts = REPO_ROOT / "models" / "marts"
    wrong = []
    for path in sorted(marts.rglob("*")):
        if path.suffix not in {".sql", ".py"}:
            continue
        folder = path.relative_to(marts).parts[:-1]
        in_sync = folder[:1] == ("sync",)
        if not folder:
            wrong.append(f"{path.relative_to(REPO_ROOT)}: not in an area folder")
        elif path.stem.startswith("sync_") != in_sync:
            wrong.append(
                f"{path.relative_to(REPO_ROOT)}: "
                + ("sync_ mart outside marts/sync/" if not in_sync else "not a sync_ mart")
            )
    assert wrong == []
