"""Config keys that dbt knows: a model's or seed's YAML `config:` holds only keys in dbt's own
resource schema, custom settings live under `meta:` (docs/running.md, "What a cold `dbt parse`
costs"). dbt checks the same schema when it parses for Snowflake, BigQuery, Databricks or
Redshift and warns on every other key (CustomKeyInConfigDeprecation); on DuckDB it does not
check, so this test does. No build needed."""

from __future__ import annotations

import yaml
from dbt.jsonschemas.jsonschemas import resources_schema

from tests.support import REPO_ROOT

# dbt's aliases for configs it renames on the way in (pre_hook -> pre-hook, ...).
ALIASES = {"pre-hook", "post-hook", "pre_hook", "post_hook"}


def _allowed(definition: str) -> set[str]:
    return set(resources_schema()["definitions"][definition]["properties"]) | ALIASES


def _configs(kind: str):
    for path in sorted((REPO_ROOT / "models").rglob("*.yml")) + sorted(
        (REPO_ROOT / "seeds").rglob("*.yml")
    ):
        document = yaml.safe_load(path.read_text()) or {}
        for entry in document.get(kind) or []:
            yield path.relative_to(REPO_ROOT), entry["name"], entry.get("config") or {}


def _unknown(kind: str, definition: str) -> list[str]:
    allowed = _allowed(definition)
    return [
        f"{path}: {kind[:-1]} {name}, config key {key}: not a dbt config; move it under meta"
        for path, name, config in _configs(kind)
        for key in config
        if key not in allowed
    ]


def test_model_configs_hold_only_dbt_keys():
    assert _unknown("models", "ModelConfig") == []


def test_seed_configs_hold_only_dbt_keys():
    assert _unknown("seeds", "SeedConfig") == []


def test_the_check_sees_a_custom_key():
    """The schema the checks read knows meta and rejects a made-up key (the test can fail)."""
    allowed = _allowed("ModelConfig")
    assert "meta" in allowed and "materialized" in allowed
    assert "band_percentiles" not in allowed
