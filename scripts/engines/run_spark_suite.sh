#!/usr/bin/env bash
# The Spark/Databricks part of `make test-engines`: the project built and tested on a local
# Spark (scripts/engines/spark.sh), then `dbt parse` with dbt-databricks
# (scripts/engines/databricks_parse.sh). Extra arguments go to pytest.
set -euo pipefail
here=$(dirname "$0")
"$here/spark.sh" "$@"
"$here/databricks_parse.sh"
