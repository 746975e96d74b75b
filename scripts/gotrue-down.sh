#!/usr/bin/env bash
# Stops the GoTrue started by scripts/gotrue-up.sh (by its pid file only).
set -euo pipefail
STATE="${GOTRUE_STATE_DIR:-/var/tmp/chat-gotrue}"
if [ -s "$STATE/gotrue.pid" ]; then
  pid="$(cat "$STATE/gotrue.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "[gotrue-down] stopped $pid" >&2
  fi
  rm -f "$STATE/gotrue.pid"
fi
