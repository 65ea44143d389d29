#!/usr/bin/env bash
# A private PostgreSQL 15 server for the engine tests: `postgres.sh start` installs the Debian
# package when it is missing, creates a throw-away cluster in a temporary directory on a private
# port and the database pql builds into; `postgres.sh stop` stops it and deletes the cluster.
# Nothing outside the temporary directory is touched (no system service, no system cluster).
#
# Environment (the defaults match the `postgres` output in profiles.yml):
#   PQL_PG_PORT    (55432)       PQL_PG_USER (pql)     PQL_PG_DATABASE (pql)
#   PQL_PG_HOST    (127.0.0.1)   PQL_PG_DIR  (/tmp/pql_postgres_$PQL_PG_PORT: data, log, socket)
set -euo pipefail

PORT="${PQL_PG_PORT:-55432}"
HOST="${PQL_PG_HOST:-127.0.0.1}"
DB_USER="${PQL_PG_USER:-pql}"
DATABASE="${PQL_PG_DATABASE:-pql}"
DIR="${PQL_PG_DIR:-/tmp/pql_postgres_${PORT}}"
# initdb and postgres refuse to run as root: the server runs as this unprivileged OS user.
OS_USER="${PQL_PG_OS_USER:-postgres}"

find_bin() {
    local d
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" ]]; then echo "$d"; return 0; fi
    done
    return 1
}

as_server_user() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$OS_USER" -- "$@"
    else
        "$@"
    fi
}

install_server() {
    if find_bin >/dev/null; then return 0; fi
    echo "postgres.sh: installing PostgreSQL from Debian" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql-15 || apt-get install -y -qq postgresql
}

start() {
    install_server
    local bin
    bin="$(find_bin)"
    if [[ "$(id -u)" == 0 ]] && ! id "$OS_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
    fi
    if as_server_user "$bin/pg_isready" -q -h "$HOST" -p "$PORT" 2>/dev/null; then
        echo "postgres.sh: a server already answers on $HOST:$PORT; stop it first" >&2
        return 1
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [[ "$(id -u)" == 0 ]] && chown "$OS_USER" "$DIR"
    as_server_user "$bin/initdb" -D "$DIR/data" -U "$DB_USER" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$DIR/initdb.log"
    # Small and fast: a throw-away test cluster needs no durability.
    as_server_user "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start -o \
        "-p $PORT -c listen_addresses=$HOST -k $DIR -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c shared_buffers=128MB -c max_connections=20 -c TimeZone=UTC" \
        >/dev/null
    as_server_user "$bin/createdb" -h "$HOST" -p "$PORT" -U "$DB_USER" "$DATABASE"
    echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $HOST:$PORT, database $DATABASE, user $DB_USER ($DIR)"
}

stop() {
    local bin
    bin="$(find_bin)" || { echo "postgres.sh: no PostgreSQL installed" >&2; return 0; }
    if [[ -d "$DIR/data" ]]; then
        as_server_user "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    echo "postgres.sh: stopped and removed $DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
