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
#   PQL_BUILD_ARGS     extra arguments for dbt build only, e.g. "--exclude tag:slow"; without a
#                      --select/--selector of its own, the build runs selector production_run
#                      (selectors.yml); unit tests never run here (they are CI's)
#   PQL_TEST_WINDOW_DAYS  data tests on incremental models read only the rows loaded in this many
#                      days before the run (var pql_test_window_days; default 4: the new day and
#                      the default 3-day lookback); "all": whole tables. A pql_test_window_days
#                      given in PQL_DBT_ARGS' --vars wins.
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

# The build's arguments (step 2), checked before anything runs. Tests on incremental models read
# only the rows loaded in the window: it goes into the run's --vars, merged with those of
# PQL_DBT_ARGS and PQL_BUILD_ARGS.
build_args=()
while IFS= read -r -d '' arg; do build_args+=("$arg"); done < <("$PYTHON" - "${PQL_TEST_WINDOW_DAYS:-4}" "${extra[@]}" "${build_extra[@]}" <<'PY'
import re, sys
import yaml

days, given = sys.argv[1].strip(), sys.argv[2:]
if days == "all":
    window = None
elif re.fullmatch(r"[1-9][0-9]{0,3}", days) and int(days) <= 3650:
    window = int(days)
else:
    sys.exit(f"PQL_TEST_WINDOW_DAYS is {days!r}: expected a whole number of days from 1 to 3650, or all")
# Every --vars of the run merged into one (a later one wins, as in dbt), the window added unless set.
args, run_vars, i = [], {}, 0
while i < len(given):
    if given[i] == "--vars" and i + 1 < len(given):
        run_vars.update(yaml.safe_load(given[i + 1]) or {})
        i += 2
    elif given[i].startswith("--vars="):
        run_vars.update(yaml.safe_load(given[i].split("=", 1)[1]) or {})
        i += 1
    else:
        args.append(given[i])
        i += 1
run_vars.setdefault("pql_test_window_days", window)
args += ["--vars", yaml.safe_dump(run_vars, default_flow_style=True).strip()]
sys.stdout.write("".join(a + "\0" for a in args))
PY
)
if [[ ${#build_args[@]} -eq 0 ]]; then
    log "bad PQL_TEST_WINDOW_DAYS or --vars (see above): exit 64"
    exit 64
fi
selection=(--selector production_run)
for arg in "${build_extra[@]}"; do
    case "$arg" in
        -s | --select | --selector | --selector=* | --select=* | -m | --models) selection=() ;;
    esac
done

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

# 2. Build: seeds, models and data tests in dependency order (selector production_run), unit
#    tests left to CI; tests on incremental models read only the rows loaded in the window.
log "dbt build ${selection[*]} (tests on incremental models: ${PQL_TEST_WINDOW_DAYS:-4} days)"
if ! "$PQL_DBT" build "${build_args[@]}" "${selection[@]}" --exclude-resource-type unit_test; then
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
