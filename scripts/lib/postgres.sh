# shellcheck shell=bash
# Sourceable helper: starts a throwaway PostgreSQL for Berth's store tests.
#
#   source scripts/lib/postgres.sh
#   berth_start_test_postgres          # exports BERTH_TEST_POSTGRES_URL
#   ...run tests...
#   berth_stop_test_postgres           # optional; the data dir is throwaway
#
# Why a dedicated cluster rather than Debian's 15/main: on a clean CI machine the packaged
# cluster may not exist, may listen on other addresses, or may carry someone else's settings.
# A private data dir under /tmp, initialised with UTF8 encoding, listening on 127.0.0.1 only
# on its own port, is the same on every machine and never disturbs a system cluster.
# Everything is idempotent: calling it again reuses a running server and existing role/db.
# TCP logins need the password (scram-sha-256), so the exported URL really exercises it; the
# superuser only logs in over the private Unix socket in the data dir.
#
# Needs root on Debian (apt-get, and running initdb/pg_ctl as the `postgres` user).
# Knobs (environment): BERTH_PG_PORT (55432), BERTH_PG_DIR (/tmp/berth-test-pg).

berth_start_test_postgres() {
    local port="${BERTH_PG_PORT:-55432}"
    local dir="${BERTH_PG_DIR:-/tmp/berth-test-pg}"
    local bin

    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "berth: installing postgresql (Debian package)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 || {
            DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2; } || return 1
    fi
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    id postgres >/dev/null 2>&1 || { echo "berth: no postgres user after install" >&2; return 1; }

    _berth_as_postgres() { runuser -u postgres -- "$@"; }

    mkdir -p "$dir" && chown postgres:postgres "$dir" && chmod 700 "$dir"
    if [ ! -s "$dir/data/PG_VERSION" ]; then
        _berth_as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        _berth_as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2; return 1; }
    fi
    if ! _berth_as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        _berth_as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir" >&2 || {
            tail -n 30 "$dir/server.log" >&2; return 1; }
    fi

    local psql=("$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ "$(_berth_as_postgres "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='berth'")" != 1 ]; then
        _berth_as_postgres "${psql[@]}" -d postgres -c "CREATE ROLE berth LOGIN PASSWORD 'berth'" || return 1
    fi
    if [ "$(_berth_as_postgres "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='berth_test'")" != 1 ]; then
        _berth_as_postgres "${psql[@]}" -d postgres -c \
            "CREATE DATABASE berth_test OWNER berth ENCODING 'UTF8' TEMPLATE template0" || return 1
    fi
    export BERTH_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/berth_test?user=berth&password=berth"
    echo "berth: PostgreSQL ready: $BERTH_TEST_POSTGRES_URL" >&2
}

berth_stop_test_postgres() {
    local dir="${BERTH_PG_DIR:-/tmp/berth-test-pg}"
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$bin" ] && [ -d "$dir/data" ] || return 0
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
}
