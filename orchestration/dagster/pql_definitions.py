"""pql on Dagster (dagster-dbt): every dbt model, seed and test as a Dagster asset, built daily
after a source freshness check. An example to copy into your Dagster code location; see
docs/running.md. Load it with

    dagster dev -f orchestration/dagster/pql_definitions.py

Needs `pip install dagster-dbt dagster-webserver` next to the project's requirements, and a
parsed project (`dbt parse` writes target/manifest.json; DBT_TARGET_PATH moves it).
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
import os
import shutil
import sys
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

PROJECT_DIR = Path(__file__).resolve().parents[2]
# dbt from PQL_DBT, else PATH, else next to this Python (a venv that is not activated).
DBT_EXECUTABLE = (
    os.environ.get("PQL_DBT") or shutil.which("dbt") or str(Path(sys.executable).parent / "dbt")
)

pql_project = DbtProject(
    project_dir=PROJECT_DIR,
    profiles_dir=PROJECT_DIR,
    target_path=Path(os.environ.get("DBT_TARGET_PATH", "target")),
)
# In `dagster dev`, parse the project when the code loads (DAGSTER_DBT_PARSE_PROJECT_ON_LOAD=1).
pql_project.prepare_if_dev()


@dbt_assets(manifest=pql_project.manifest_path)
def pql_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource):
    """Source freshness first: a source past its error threshold fails the run before anything
    is built (a warning only logs). Then `dbt build`, each model and test reported as it ends."""
    dbt.cli(["source", "freshness"], context=context, raise_on_error=True).wait()
    yield from dbt.cli(["build"], context=context).stream()


pql_daily = ScheduleDefinition(
    name="pql_daily",
    job=define_asset_job("pql_build", selection=[pql_dbt_assets]),
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
)

defs = Definitions(
    assets=[pql_dbt_assets],
    schedules=[pql_daily],
    resources={"dbt": DbtCliResource(project_dir=pql_project, dbt_executable=DBT_EXECUTABLE)},
)
