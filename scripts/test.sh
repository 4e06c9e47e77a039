#!/usr/bin/env bash
# Installs everything and runs the whole test suite, on a fresh Debian 12 + Python 3.11 machine as root.
# Starts its own throwaway PostgreSQL cluster and Redis server on loopback and stops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev

work=$(mktemp -d /tmp/portal-test.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=55432
redis_port=56379

cleanup() {
  su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -s /bin/sh -c "$pg_bin/initdb -D $work/pg -A trust -U postgres -E UTF8" >"$work/initdb.log"
su postgres -s /bin/sh -c "$pg_bin/pg_ctl -D $work/pg -l $work/pg/server.log -w -o '-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1' start" >/dev/null
su postgres -s /bin/sh -c "$pg_bin/psql -h 127.0.0.1 -p $pg_port -U postgres -qc 'CREATE DATABASE portal_test'"
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/portal_test"

echo "==> Starting a throwaway Redis on 127.0.0.1:$redis_port"
redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" >/dev/null
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"

echo "==> Running the test suite"
.venv/bin/python -m pytest "$@"
