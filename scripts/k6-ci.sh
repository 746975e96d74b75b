#!/usr/bin/env bash
# The CI load check: k6's smoke profile against two built instances sharing PostgreSQL and Redis.
# Needs scripts/services-up.sh and a production build (.output, or NUXT_OUTPUT_DIR).
# Fails (non-zero) when any k6 threshold breaks: lost or duplicated messages, latency, errors.
set -euo pipefail
cd "$(dirname "$0")/.."

OUTPUT="${NUXT_OUTPUT_DIR:-.output}"
PG="postgres://chat:chat@127.0.0.1:${CHAT_PG_PORT:-54329}"
REDIS="redis://127.0.0.1:${CHAT_REDIS_PORT:-63790}/3"
PORTS=(3411 3412)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

[ -f "$OUTPUT/server/index.mjs" ] || npm run build
bash scripts/install-k6.sh

# A fresh database and Redis db for every run, so the seeded fixture matches.
node -e "
  const postgres = require('postgres')
  const sql = postgres('$PG/chat', { onnotice: () => {} })
  sql.unsafe('drop database if exists chat_k6 with (force)').then(() => sql.unsafe('create database chat_k6')).then(() => sql.end())
"
redis-cli -u "$REDIS" flushdb >/dev/null

for port in "${PORTS[@]}"; do
  DATABASE_URL="$PG/chat_k6" REDIS_URL="$REDIS" SEED_DEMO=true AUTH_SIGNUPS_PER_IP=100000 AUTH_LOGIN_FAILS_PER_IP=100000 CHAT_RATE_LIMIT_PER_MINUTE=100000 DATA_DIR="$(mktemp -d)" \
    HOST=127.0.0.1 PORT="$port" NODE_ENV=production node "$OUTPUT/server/index.mjs" > "/tmp/k6-ci-$port.log" 2>&1 &
  pids+=("$!")
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$port/api/health" >/dev/null || { echo "instance $port did not start"; cat "/tmp/k6-ci-$port.log"; exit 1; }
done

INSTANCES="http://127.0.0.1:${PORTS[0]},http://127.0.0.1:${PORTS[1]}" RESEED=1 FIXTURE=data/ci-fixture.json \
  bash k6/run.sh smoke
