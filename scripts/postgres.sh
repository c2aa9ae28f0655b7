#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests and CI: one local server on 127.0.0.1, trust auth, fsync
# off (speed over durability: its data is disposable), and an empty database `renewal_test`.
#
#   scripts/postgres.sh start    start it if it is not running; prints the URL on stdout
#   scripts/postgres.sh url      prints the URL (whether or not the server runs)
#   scripts/postgres.sh status   exit 0 when it runs, 1 when not
#   scripts/postgres.sh stop     stop it if it runs
#
#   export POSTGRES_URL="$(scripts/postgres.sh start)"
#
# Idempotent: `start` on a running server only prints the URL; `stop` on a stopped one does
# nothing. Works as root in a fresh clone: initdb refuses to run as root, so the cluster lives in
# a directory owned by the `postgres` user (under /tmp, which every user can reach; a directory
# inside the clone may sit under a path that user cannot enter). As any other user it runs as
# that user. Logs go to stderr and to $PG_DIR/log.
#
# Settings (environment): POSTGRES_TEST_PORT (default 54329), POSTGRES_TEST_DIR (default
# /tmp/renewal-ledger-pg-$PORT), PGBIN (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

PORT="${POSTGRES_TEST_PORT:-54329}"
DIR="${POSTGRES_TEST_DIR:-/tmp/renewal-ledger-pg-$PORT}"
DATA="$DIR/data"
DB=renewal_test
URL="postgres://postgres@127.0.0.1:$PORT/$DB"

say() { echo "postgres.sh: $*" >&2; }

find_pgbin() {
  if [[ -n "${PGBIN:-}" ]]; then
    [[ -x "$PGBIN/pg_ctl" ]] || { say "PGBIN=$PGBIN has no pg_ctl"; return 1; }
    return 0
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$newest" || ! -x "$newest/pg_ctl" ]]; then
    say "PostgreSQL server binaries are missing: no /usr/lib/postgresql/*/bin/pg_ctl."
    say "Install them (Debian/Ubuntu, as root): apt-get update && apt-get install -y postgresql"
    return 1
  fi
  PGBIN="$newest"
}

# Runs a server binary as the owner of the cluster: `postgres` when we are root.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [[ -f "$DATA/PG_VERSION" ]] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
  local version
  version="$("$PGBIN/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')"
  # A half-made cluster (interrupted initdb) or one of another major version is thrown away.
  if [[ -d "$DATA" && "$(cat "$DATA/PG_VERSION" 2>/dev/null || true)" != "$version" ]]; then
    say "removing unusable cluster in $DATA"
    rm -rf "$DATA"
  fi
  mkdir -p "$DIR"
  chmod 0755 "$DIR"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || { say "there is no 'postgres' user to own the cluster (as root, initdb cannot run as root)"; return 1; }
    chown postgres: "$DIR"
  fi
  if [[ ! -d "$DATA" ]]; then
    say "initdb in $DATA ($PGBIN)"
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 || {
      cat "$DIR/initdb.log" >&2
      return 1
    }
  fi
}

start() {
  find_pgbin
  if ! running; then
    init_cluster
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      say "port $PORT on 127.0.0.1 is taken by another program; set POSTGRES_TEST_PORT to use another"
      return 1
    fi
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/log" -w -t 60 \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2 || {
      tail -n 30 "$DIR/log" >&2 || true
      return 1
    }
  fi
  local psql=("$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE $DB" >&2
  fi
  echo "$URL"
}

stop() {
  find_pgbin
  if running; then
    say "stopping PostgreSQL on 127.0.0.1:$PORT"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  else
    say "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  status)
    find_pgbin
    if running; then say "running on 127.0.0.1:$PORT ($DATA)"; else say "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|url|status" >&2
    exit 2
    ;;
esac
