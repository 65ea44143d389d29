#!/usr/bin/env bash
# The PostgreSQL engine suite (`make test-engines`): starts a private PostgreSQL server
# (scripts/engines/postgres.sh), runs tests/test_engines.py against it (a small generated
# warehouse in both raw shapes loaded with pql_tools.load_raw; dbt build with every data test
# and unit test; incremental = full refresh), prints the time and peak memory it took, and
# stops and removes the server whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

export PQL_ENGINE=postgres
export PQL_PG_PORT="${PQL_PG_PORT:-55432}"
PYTHON="${PYTHON:-.venv/bin/python}"

scripts/engines/postgres.sh start
trap 'scripts/engines/postgres.sh stop' EXIT

started=$(date +%s)
status=0
# GNU time (Debian package `time`) reports the peak memory when it is there.
timer=()
if [[ -x /usr/bin/time ]]; then
    timer=(/usr/bin/time -f "postgres suite: peak memory of pytest and dbt %M KB")
fi
log="$(mktemp)"
# -rs: a skip (server not reachable) is reported, and fails the suite below.
"${timer[@]}" "$PYTHON" -m pytest tests/test_engines.py -q -rs -p no:cacheprovider | tee "$log" \
    || status=$?
if grep -q "skipped" "$log"; then
    echo "postgres suite: tests were skipped, the server was not reachable" >&2
    status=1
fi
rm -f "$log"
echo "postgres suite: $(( $(date +%s) - started ))s (server start/stop not included)"
exit "$status"
