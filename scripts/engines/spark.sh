#!/usr/bin/env bash
# pql on a local Spark: Java 17 (openjdk-17-jre-headless from Debian when missing), pyspark and
# dbt-spark[session] from requirements.txt, then tests/test_engines_spark.py: raw data loaded
# from a generated DuckDB warehouse, `dbt seed` and `dbt build` on the `spark` target, and an
# incremental run compared with a full refresh. Prints each step's time and peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v java >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "spark: Java 17 is missing; install openjdk-17-jre-headless (needs root)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
fi
java -version 2>&1 | head -1

report=$(mktemp)
trap 'rm -f "$report"' EXIT
start=$(date +%s)
PQL_TEST_SPARK=1 PQL_ENGINE_REPORT="$report" .venv/bin/python -m pytest tests/test_engines_spark.py -q -s -p no:cacheprovider "$@"
echo "spark: passed in $(( $(date +%s) - start )) s; per step (wall and CPU seconds, peak RSS of dbt + JVM):"
cat "$report"
