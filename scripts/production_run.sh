#!/usr/bin/env bash
# pql production run (docs/running.md): source freshness, then dbt build, then the CRM sync.
# Run it from the repo root (or set PQL_PROJECT_DIR); profile, target and DuckDB path come from
# the usual environment (DBT_PROFILES_DIR, PQL_TARGET, PQL_DUCKDB_PATH, ...).
#
# Exit codes an orchestrator acts on:
#    0  sources fresh, build passed, sync done (or no sync configured)
#    3  done, but a source passed its warn threshold (late data: alert, do not page)
#   10  a source passed its error threshold: nothing built, the marts keep the last good run
#   11  the freshness check itself failed (a raw table missing, no connection, bad config)
#   20  dbt build failed (a model or an error-severity test); the sync did not run
#   30  the sync command failed after a good build
#   64  bad usage (an unknown option)
#
# Environment:
#   PQL_DBT            dbt executable (default: .venv/bin/dbt if present, else dbt)
#   PQL_DBT_ARGS       extra arguments for every dbt command, e.g. "--target prod --vars '{...}'"
#   PQL_BUILD_ARGS     extra arguments for dbt build only, e.g. "--exclude tag:slow"
#   PQL_FRESHNESS_SELECT  sources to check, e.g. "source:cdp" (default: every source)
#   PQL_SYNC_COMMAND   the reverse-ETL trigger to run after a good build (your Census, Hightouch
#                      or script call); unset: the sync step is skipped and said so
#   PQL_BUILD_ON_ERROR_FRESHNESS=true  build even when a source is past its error threshold
set -uo pipefail

if [[ $# -gt 0 ]]; then
    echo "usage: $0 (configured by environment variables; see the header)" >&2
    exit 64
fi

cd "${PQL_PROJECT_DIR:-$(dirname "$0")/..}" || exit 64
if [[ -z "${PQL_DBT:-}" ]]; then
    if [[ -x .venv/bin/dbt ]]; then PQL_DBT=.venv/bin/dbt; else PQL_DBT=dbt; fi
fi
PYTHON="$(dirname "$(command -v "$PQL_DBT")")/python"
[[ -x "$PYTHON" ]] || PYTHON=python3
TARGET_PATH="${DBT_TARGET_PATH:-target}"
eval "extra=(${PQL_DBT_ARGS:-})"
eval "build_extra=(${PQL_BUILD_ARGS:-})"
select=()
[[ -n "${PQL_FRESHNESS_SELECT:-}" ]] && select=(--select "$PQL_FRESHNESS_SELECT")

log() { echo "[pql production run] $*"; }

# 1. Source freshness. dbt exits 1 both for a stale source and for a freshness query that could
#    not run (a missing table), and leaves the latter out of target/sources.json: the stale
#    statuses come from sources.json, a query that could not run from dbt's output.
log "dbt source freshness"
rm -f "$TARGET_PATH/sources.json"
freshness_log="$(mktemp)"
trap 'rm -f "$freshness_log"' EXIT
"$PQL_DBT" source freshness "${select[@]}" "${extra[@]}" 2>&1 | tee "$freshness_log"
freshness_rc=${PIPESTATUS[0]}
if [[ ! -f "$TARGET_PATH/sources.json" ]]; then
    log "freshness check failed before checking any source (dbt exit $freshness_rc): exit 11"
    exit 11
fi
statuses="$("$PYTHON" -c '
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(" ".join(sorted({r["status"] for r in results})))
' "$TARGET_PATH/sources.json")"
log "freshness statuses: ${statuses:-none}"
if grep -q "Runtime Error" "$freshness_log" \
    || [[ $freshness_rc -ne 0 && " $statuses " != *" error "* ]]; then
    log "a freshness query could not run (see above): exit 11"
    exit 11
fi
warned=0
if [[ " $statuses " == *" error "* ]]; then
    if [[ "${PQL_BUILD_ON_ERROR_FRESHNESS:-false}" != "true" ]]; then
        log "a source is past its error threshold: not building on stale data, exit 10"
        exit 10
    fi
    log "a source is past its error threshold; building anyway (PQL_BUILD_ON_ERROR_FRESHNESS)"
    warned=1
elif [[ " $statuses " == *" warn "* ]]; then
    warned=1
fi

# 2. Build: models, seeds, data tests and unit tests in dependency order.
log "dbt build"
if ! "$PQL_DBT" build "${extra[@]}" "${build_extra[@]}"; then
    log "dbt build failed: the sync does not run, exit 20"
    exit 20
fi

# 3. Sync the sync_* marts to the CRM (sync_action rows since the last sync).
if [[ -n "${PQL_SYNC_COMMAND:-}" ]]; then
    log "sync: $PQL_SYNC_COMMAND"
    if ! bash -c "$PQL_SYNC_COMMAND"; then
        log "the sync failed: exit 30"
        exit 30
    fi
else
    log "sync: PQL_SYNC_COMMAND is not set, nothing sent"
fi

if [[ $warned -eq 1 ]]; then
    log "done with late sources: exit 3"
    exit 3
fi
log "done: exit 0"
exit 0
