#!/usr/bin/env bash
# Stops the PostgreSQL and Redis started by scripts/services-up.sh (data is kept).
set -euo pipefail

PG_PORT="${CHAT_PG_PORT:-54329}"
PG_DATA="${CHAT_PG_DIR:-/var/tmp/chat-pg}/data"
REDIS_PORT="${CHAT_REDIS_PORT:-63790}"
PG_BIN=/usr/lib/postgresql/15/bin

as_postgres() {
  if [ "$(id -u)" = "$(id -u postgres 2>/dev/null || echo x)" ]; then "$@"
  elif command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
  else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  fi
}

if [ -s "$PG_DATA/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  echo "[services-down] stopping postgres ($PG_PORT)" >&2
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
else
  echo "[services-down] postgres not running" >&2
fi

if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  echo "[services-down] stopping redis ($REDIS_PORT)" >&2
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
else
  echo "[services-down] redis not running" >&2
fi
