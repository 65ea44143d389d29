#!/usr/bin/env bash
# pql on a local Spark (`make test-spark`; `make test-engines` runs it too): Java 17
# (openjdk-17-jre-headless from Debian when missing), pyspark and dbt-spark[session] from
# requirements.txt, then tests/test_engines_spark.py: raw data loaded from a small generated
# DuckDB warehouse, `dbt build` (seeds, models, every data test and unit test) on the `spark`
# target, and an incremental run compared with a full refresh. Prints each step's wall time,
# CPU time and peak memory (dbt + its JVM), then the whole suite's, measured by GNU time.
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

PYTHON="${PYTHON:-.venv/bin/python}"
report=$(mktemp)
log=$(mktemp)
trap 'rm -f "$report" "$log"' EXIT
# GNU time (Debian package `time`) gives the suite's wall time and the largest single
# process's peak RSS (the JVM's, when it is reaped); the per-step report sums the process tree.
timer=()
if [[ -x /usr/bin/time ]]; then
    timer=(/usr/bin/time -f "spark suite: %e s wall, %U s user + %S s system CPU, largest process peak %M KB")
fi
start=$(date +%s)
status=0
# -rs: a skipped test (PQL_TEST_SPARK unset, no Java) is reported, and fails the suite below.
PQL_TEST_SPARK=1 PQL_ENGINE_REPORT="$report" "${timer[@]}" "$PYTHON" -m pytest \
    tests/test_engines_spark.py -q -s -rs -p no:cacheprovider "$@" | tee "$log" || status=$?
if grep -q "skipped" "$log"; then
    echo "spark suite: tests were skipped" >&2
    status=1
fi
echo "spark suite: $(( $(date +%s) - start )) s; per step (wall and CPU seconds, peak RSS of dbt + JVM):"
cat "$report"
exit "$status"
