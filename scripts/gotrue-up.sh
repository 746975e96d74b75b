#!/usr/bin/env bash
# Builds (once) and starts Supabase Auth (GoTrue) on 127.0.0.1 for local Supabase-mode runs and
# tests, against a database of the scripts/services-up.sh cluster.
#
#   bash scripts/gotrue-up.sh            # build if needed, prepare the database, start, wait for /health
#   GOTRUE_BUILD_ONLY=1 bash scripts/gotrue-up.sh
#
# Binary: <repo>/.bin/gotrue, built from github.com/supabase/auth at v2.189.0 (commit 4fa66ba71d8c;
# later commits carry a replace directive that `go install` refuses). Needs Go >= 1.25.8.
# Exit codes: 0 running; 3 the module cannot be fetched (e.g. the Go module proxy refuses it) —
# callers fall back to the GoTrue stand-in of test/supabase/support/gotrue-stub.ts.
#
# Environment (defaults in brackets):
#   GOTRUE_PORT [9999]                 GOTRUE_DB_NAME [chat_supabase_auth] (recreated if GOTRUE_DB_RESET=1)
#   GOTRUE_JWT_ISSUER [http://127.0.0.1:$GOTRUE_PORT]  — set to "<gateway>/auth/v1" behind a gateway
#   GOTRUE_JWT_SECRET (required)       GOTRUE_JWT_KEYS (JSON array of private JWKs; generated ES256 if unset)
#   GOTRUE_JWT_EXP [3600]              GOTRUE_SITE_URL [http://127.0.0.1:3000]   API_EXTERNAL_URL [issuer]
#   GOTRUE_STATE_DIR [/var/tmp/chat-gotrue]  (pid, log, generated keys)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.bin/gotrue"
MODULE=github.com/supabase/auth
COMMIT=4fa66ba71d8c55b5c95cd5635766ed8bbae6d96a
PORT="${GOTRUE_PORT:-9999}"
STATE="${GOTRUE_STATE_DIR:-/var/tmp/chat-gotrue}"
PG_PORT="${CHAT_PG_PORT:-54329}"
PG_SOCK="${CHAT_PG_DIR:-/var/tmp/chat-pg}/run"
PSQL=/usr/lib/postgresql/15/bin/psql
DB="${GOTRUE_DB_NAME:-chat_supabase_auth}"
AUTH_ADMIN_PASSWORD="${GOTRUE_DB_PASSWORD:-chat_supabase_auth}"

log() { echo "[gotrue-up] $*" >&2; }
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

# --- build ----------------------------------------------------------------------------------------
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { log "go is not installed"; exit 3; }
  mkdir -p "$ROOT/.bin"
  export GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
  log "building $MODULE@${COMMIT:0:12} into $BIN (several minutes on 2 cores)"
  if ! GOBIN="$ROOT/.bin" go install "$MODULE@$COMMIT" 2>"$STATE.install.log"; then
    log "go install failed: $(tail -3 "$STATE.install.log" | tr '\n' ' ')"
    # Second way: a throw-away module that requires the pseudo-version, then go build.
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    info="$(curl -fsS "https://proxy.golang.org/$MODULE/@v/$COMMIT.info" 2>/dev/null || true)"
    version="$(printf '%s' "$info" | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p')"
    if [ -z "$version" ]; then
      log "the Go module proxy does not serve $MODULE@$COMMIT (answer: ${info:-refused}); GoTrue cannot be built here"
      exit 3
    fi
    (cd "$tmp" && go mod init gotrue-build >/dev/null 2>&1 \
      && go mod edit -require="$MODULE@$version" \
      && GOPROXY=https://proxy.golang.org go build -o "$BIN" "$MODULE") || { log "go build of $MODULE@$version failed"; exit 3; }
  fi
  [ -x "$BIN" ] || { [ -x "$ROOT/.bin/auth" ] && mv "$ROOT/.bin/auth" "$BIN"; }
  [ -x "$BIN" ] || { log "no binary after build"; exit 3; }
fi
[ "${GOTRUE_BUILD_ONLY:-0}" = 1 ] && exit 0

# The SQL migrations ship inside the module source.
MIGRATIONS="$(go env GOMODCACHE)/$(go list -m -f '{{.Dir}}' "$MODULE@$COMMIT" 2>/dev/null | sed "s|^$(go env GOMODCACHE)/||")/migrations"
[ -d "$MIGRATIONS" ] || MIGRATIONS="$(ls -d "$(go env GOMODCACHE)"/github.com/supabase/auth@*/migrations 2>/dev/null | tail -1)"
[ -d "$MIGRATIONS" ] || { log "GoTrue migrations not found in the module cache"; exit 3; }

# --- database: roles and schema as on a Supabase project ----------------------------------------
mkdir -p "$STATE"; chmod 700 "$STATE"
[ -n "${GOTRUE_JWT_SECRET:-}" ] || { log "GOTRUE_JWT_SECRET is required"; exit 1; }
psql_admin() { as_postgres "$PSQL" -h "$PG_SOCK" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_admin -d postgres -c "do \$\$ begin
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login createrole createdb replication bypassrls; end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin noinherit createrole login noreplication password '$AUTH_ADMIN_PASSWORD';
  else alter role supabase_auth_admin password '$AUTH_ADMIN_PASSWORD'; end if;
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end \$\$;"
if [ "${GOTRUE_DB_RESET:-0}" = 1 ]; then psql_admin -d postgres -c "drop database if exists $DB with (force)"; fi
if [ "$(psql_admin -d postgres -c "select 1 from pg_database where datname = '$DB'")" != 1 ]; then
  psql_admin -d postgres -c "create database $DB"
fi
psql_admin -d "$DB" -c "create schema if not exists auth authorization supabase_auth_admin;
  grant create on database $DB to supabase_auth_admin;
  alter role supabase_auth_admin set search_path = 'auth';"

# --- keys and start ---------------------------------------------------------------------------------
if [ -z "${GOTRUE_JWT_KEYS:-}" ]; then
  [ -s "$STATE/jwt-keys.json" ] || node -e '
    const { generateKeyPairSync, randomUUID } = require("node:crypto");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = privateKey.export({ format: "jwk" });
    process.stdout.write(JSON.stringify([{ ...jwk, kid: randomUUID(), alg: "ES256", use: "sig", key_ops: ["sign", "verify"] }]));
  ' >"$STATE/jwt-keys.json"
  GOTRUE_JWT_KEYS="$(cat "$STATE/jwt-keys.json")"
fi
ISSUER="${GOTRUE_JWT_ISSUER:-http://127.0.0.1:$PORT}"

if [ -s "$STATE/gotrue.pid" ] && kill -0 "$(cat "$STATE/gotrue.pid")" 2>/dev/null; then
  log "already running (pid $(cat "$STATE/gotrue.pid")); run scripts/gotrue-down.sh to restart"
  exit 0
fi
log "starting on 127.0.0.1:$PORT (issuer $ISSUER, migrations $MIGRATIONS)"
env -i PATH="$PATH" HOME="${HOME:-/root}" \
  GOTRUE_API_HOST=127.0.0.1 PORT="$PORT" \
  API_EXTERNAL_URL="${API_EXTERNAL_URL:-$ISSUER}" GOTRUE_SITE_URL="${GOTRUE_SITE_URL:-http://127.0.0.1:3000}" \
  GOTRUE_DB_DRIVER=postgres \
  GOTRUE_DB_DATABASE_URL="postgres://supabase_auth_admin:$AUTH_ADMIN_PASSWORD@127.0.0.1:$PG_PORT/$DB?sslmode=disable&search_path=auth" \
  GOTRUE_DB_MIGRATIONS_PATH="$MIGRATIONS" \
  GOTRUE_JWT_SECRET="$GOTRUE_JWT_SECRET" GOTRUE_JWT_KEYS="$GOTRUE_JWT_KEYS" \
  GOTRUE_JWT_ISSUER="$ISSUER" GOTRUE_JWT_EXP="${GOTRUE_JWT_EXP:-3600}" GOTRUE_JWT_AUD=authenticated \
  GOTRUE_JWT_DEFAULT_GROUP_NAME=authenticated GOTRUE_JWT_ADMIN_ROLES=supabase_admin,service_role \
  GOTRUE_MAILER_AUTOCONFIRM=true GOTRUE_DISABLE_SIGNUP=false GOTRUE_EXTERNAL_EMAIL_ENABLED=true \
  GOTRUE_RATE_LIMIT_EMAIL_SENT=1000 GOTRUE_LOG_LEVEL="${GOTRUE_LOG_LEVEL:-warn}" \
  nohup "$BIN" >"$STATE/gotrue.log" 2>&1 &
echo $! >"$STATE/gotrue.pid"
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
    log "ready (pid $(cat "$STATE/gotrue.pid"))"
    echo "GOTRUE_URL=http://127.0.0.1:$PORT"
    exit 0
  fi
  kill -0 "$(cat "$STATE/gotrue.pid")" 2>/dev/null || break
  sleep 0.2
done
log "GoTrue did not become healthy:"; tail -30 "$STATE/gotrue.log" >&2
exit 1
