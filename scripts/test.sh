#!/usr/bin/env bash
# Installs everything and runs the whole test suite, on a fresh Debian 12 + Python 3.11 machine as root.
# Starts its own throwaway PostgreSQL cluster and Redis server on loopback ports picked at run time
# (so that two runs on one machine never collide) and removes them at the end.
# Extra arguments go to pytest: bash scripts/test.sh tests/client -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev

work=$(mktemp -d /tmp/portal-test.XXXXXX)
chmod 755 "$work"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port="" redis_port="" redis_pid=""

cleanup() {
  as_postgres "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  # Our own process by its id: the port may belong to someone else's Redis if ours never started.
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

as_postgres() {
  # PostgreSQL's tools complain ("could not change directory") when the caller's directory is private.
  (cd / && su postgres -s /bin/sh -c "$1")
}

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
  mkdir -p "$work/pg" && chown postgres "$work/pg"
  as_postgres "$pg_bin/initdb -D $work/pg -A trust -U postgres -E UTF8" >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; return 1; }
  # A free port can be taken by another process before the server binds it: then try another.
  for _ in 1 2 3 4 5; do
    pg_port=$(free_port)
    if as_postgres "$pg_bin/pg_ctl -D $work/pg -l $work/pg/server.log -w -t 120 \
         -o '-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1' start" >/dev/null 2>&1; then
      as_postgres "$pg_bin/psql -h 127.0.0.1 -p $pg_port -U postgres -qc 'CREATE DATABASE portal_test'"
      return 0
    fi
  done
  echo "PostgreSQL did not start; its log:" >&2
  cat "$work/pg/server.log" >&2
  return 1
}

start_redis() {
  for _ in 1 2 3 4 5; do
    redis_port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
      --logfile "$work/redis.log" &
    redis_pid=$!
    # Ready when the server on that port is this process; if it exits, the port was taken.
    local deadline=$((SECONDS + 60))
    while kill -0 "$redis_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      if redis-cli -p "$redis_port" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$redis_pid"; then
        return 0
      fi
      sleep 0.1
    done
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
  done
  echo "Redis did not start; its log:" >&2
  cat "$work/redis.log" >&2
  return 1
}

start_postgres
start_redis
echo "==> Throwaway PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port"
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/portal_test"
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
# A developer's .env (the demo writes one) must not configure the apps the tests build.
export FLASK_SKIP_DOTENV=1

.venv/bin/python -m pytest -q --durations=15 "$@"
