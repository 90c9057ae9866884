#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback:
#   tests/with_postgres.sh .venv/bin/pytest
# Installs Debian's postgresql package when missing (as root), starts a private cluster in a
# temporary folder on a free port, exports TEST_DATABASE_URL, runs the command, removes it all.
# The server runs in a zone that is not UTC, so code that leans on the server's clock zone fails.
set -euo pipefail

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$pg_bin" ]]; then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
        echo "Installing Debian's postgresql package for TEST_POSTGRES=1..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    else
        echo "TEST_POSTGRES=1 needs PostgreSQL: sudo apt-get install postgresql" >&2
        exit 1
    fi
fi

run_as_postgres() {
    if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data="$(mktemp -d /tmp/backcoach-pg.XXXXXX)"
[[ "$(id -u)" == "0" ]] && chown postgres: "$data"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
    run_as_postgres "$pg_bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT

run_as_postgres "$pg_bin/initdb" -D "$data/db" -U postgres --auth=trust -E UTF8 >/dev/null
options="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
options+=" -c timezone=Asia/Kolkata"
run_as_postgres "$pg_bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -o "$options" start >/dev/null
run_as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres backcoach_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:${port}/backcoach_test"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:${port}"
"$@"
