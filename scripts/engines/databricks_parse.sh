#!/usr/bin/env bash
# The Databricks path compiles: `dbt parse` with dbt-databricks on the `databricks` output of
# profiles.yml. dbt-databricks pins dbt-core and dbt-spark versions of its own, so it lives in a
# separate venv (.venv-databricks, created on first use from requirements-databricks.txt).
# Parsing opens no connection: the host, HTTP path and token are dummies unless set.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
VENV=${PQL_DATABRICKS_VENV:-.venv-databricks}
STAMP="$VENV/.installed"

if [[ ! -f "$STAMP" || requirements-databricks.txt -nt "$STAMP" ]]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r requirements-databricks.txt
    touch "$STAMP"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export DBT_PROFILES_DIR=$PWD PQL_TARGET=databricks DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DATABRICKS_HOST=${DATABRICKS_HOST:-dbc-00000000-0000.cloud.databricks.com}
export DATABRICKS_HTTP_PATH=${DATABRICKS_HTTP_PATH:-/sql/1.0/warehouses/0000000000000000}
export DATABRICKS_TOKEN=${DATABRICKS_TOKEN:-dapi-parse-only-no-connection}
"$VENV/bin/dbt" --version | sed -n '1,/Plugins/p;/databricks/p'
"$VENV/bin/dbt" parse --target-path "$work/target" --log-path "$work/logs"
echo "databricks: dbt parse passed"
