#!/usr/bin/env bash
# Starts the project's own PostgreSQL 15 and Redis for multi-instance tests, benchmarks and local
# runs. Idempotent: installs only what is missing, initialises only once, starts only what is down.
#
#   DATABASE_URL=postgres://chat:chat@127.0.0.1:54329/chat       (also chat_test, chat_bench)
#   REDIS_URL=redis://127.0.0.1:63790
#
# Overridable: CHAT_PG_PORT, CHAT_PG_DIR, CHAT_REDIS_PORT, CHAT_REDIS_DIR.
set -euo pipefail

PG_PORT="${CHAT_PG_PORT:-54329}"
PG_DIR="${CHAT_PG_DIR:-/var/tmp/chat-pg}"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/postgres.log"
PG_BIN=/usr/lib/postgresql/15/bin
REDIS_PORT="${CHAT_REDIS_PORT:-63790}"
REDIS_DIR="${CHAT_REDIS_DIR:-/var/tmp/chat-redis}"

log() { echo "[services-up] $*" >&2; }

# Daemons started here must not inherit the caller's other descriptors: `flock LOCK cmd` hands its
# lock to cmd, and a Postgres started under it would hold the lock for as long as it runs. Called
# in the subshell that starts a daemon.
close_extra_fds() {
  local fd
  for fd in $(ls "/proc/$BASHPID/fd"); do
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

as_postgres() {
  if [ "$(id -u)" = "$(id -u postgres 2>/dev/null || echo x)" ]; then "$@"
  elif command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
  else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  fi
}

# --- install (apt-get update only when something is missing) -----------------------------------
missing=()
[ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- PostgreSQL -------------------------------------------------------------------------------
mkdir -p "$PG_DIR"
chown postgres:postgres "$PG_DIR"
if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  log "initdb $PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# chat services (scripts/services-up.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
fsync = on
max_connections = 200
shared_buffers = 128MB
logging_collector = off
EOF
fi
as_postgres mkdir -p "$PG_SOCK"

if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  log "postgres already running on $PG_PORT"
else
  log "starting postgres on 127.0.0.1:$PG_PORT"
  ( close_extra_fds; as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null )
fi

PSQL=/usr/lib/postgresql/15/bin/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql)
psql_admin() { as_postgres "$PSQL" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

for _ in $(seq 1 50); do psql_admin -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
# CREATEDB lets the tests create throw-away databases (e.g. the concurrent-migration test).
# Suites started side by side run this at once: the advisory lock takes them one after the other
# (two ALTER ROLEs at once fail with "tuple concurrently updated").
psql_admin -c "do \$\$ begin
  perform pg_advisory_xact_lock(727301);
  if not exists (select from pg_roles where rolname = 'chat') then
    create role chat login createdb password 'chat';
  else
    alter role chat login createdb password 'chat';
  end if; end \$\$;"
for db in chat chat_test chat_bench; do
  if [ "$(psql_admin -c "select 1 from pg_database where datname = '$db'")" != "1" ]; then
    log "creating database $db"
    # Another suite starting beside this one may have just created it.
    psql_admin -c "create database $db owner chat" \
      || [ "$(psql_admin -c "select 1 from pg_database where datname = '$db'")" = "1" ]
  fi
done

# --- Redis --------------------------------------------------------------------------------------
mkdir -p "$REDIS_DIR"
if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  log "redis already running on $REDIS_PORT"
else
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  ( close_extra_fds; redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --save '' --appendonly no --protected-mode yes )
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG || { log "redis did not start"; tail -20 "$REDIS_DIR/redis.log" >&2; exit 1; }
fi

echo "DATABASE_URL=postgres://chat:chat@127.0.0.1:$PG_PORT/chat"
echo "TEST_DATABASE_URL=postgres://chat:chat@127.0.0.1:$PG_PORT/chat_test"
echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
