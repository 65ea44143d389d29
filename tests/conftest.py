"""Session fixtures: a small generated warehouse, built once with `dbt build` (every model,
data test and unit test), shared by the tests that only read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pql_demo import generate
from tests.support import build_from_scratch

SMALL = {"accounts": 150, "days": 60, "seed": 7}


@dataclass(frozen=True)
class Build:
    db: Path
    work_dir: Path
    dbt_output: str

    @property
    def manifest_path(self) -> Path:
        return self.work_dir / "target" / "manifest.json"


@pytest.fixture(scope="session")
def small_raw(tmp_path_factory) -> Path:
    """A small generated raw warehouse (raw schema only); copy it before building into it."""
    db = tmp_path_factory.mktemp("raw") / "source.duckdb"
    generate(db, **SMALL)
    return db


@pytest.fixture(scope="session")
def built(tmp_path_factory, small_raw) -> Build:
    """The small warehouse, copied and built from scratch with plain `dbt build`.
    The build runs every dbt data test and unit test; any failure fails this fixture."""
    work_dir = tmp_path_factory.mktemp("build")
    db = work_dir / "pql.duckdb"
    db.write_bytes(small_raw.read_bytes())
    output = build_from_scratch(db, work_dir)
    return Build(db=db, work_dir=work_dir, dbt_output=output)
