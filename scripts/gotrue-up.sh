#!/usr/bin/env bash
# Starts Supabase Auth (GoTrue) on 127.0.0.1 for local Supabase-mode runs and tests, against a
# database of the scripts/services-up.sh cluster, configured as a hosted Supabase project is:
# an asymmetric ES256 key signs every access token, and the legacy HS256 JWT secret stays in the
# key set for verification only, so the anon and service-role keys signed with it keep working.
#
#   bash scripts/gotrue-up.sh      # prepare the database, start, wait for /health
#   bash scripts/gotrue-down.sh    # stop it
#
# GoTrue is not built here: point GOTRUE_BIN at a binary built elsewhere from
# github.com/supabase/auth (checked with v2.196.0) and GOTRUE_MIGRATIONS at the `migrations/`
# folder of the same version (the release archives and the Docker image ship both; in the image
# they are /usr/local/bin/auth and /usr/local/etc/auth/migrations).
#
# Exit codes: 0 running (or already running);
#             3 GoTrue is not available on this machine (no binary or no migrations): nothing was
#               started, and callers (test/supabase/setup/global.ts) use the GoTrue stand-in of
#               test/supabase/support/gotrue-stub.ts instead;
#             1 anything else (bad configuration, database set-up failed, not healthy in 30 s).
#
# Environment (defaults in brackets):
#   GOTRUE_BIN [<repo>/.bin/gotrue]    GOTRUE_MIGRATIONS [<bin dir>/migrations, else <repo>/.bin/gotrue-migrations]
#   GOTRUE_PORT [9999]                 GOTRUE_DB_NAME [chat_supabase_auth] (recreated if GOTRUE_DB_RESET=1)
#   GOTRUE_JWT_ISSUER [http://127.0.0.1:$GOTRUE_PORT]  — set to "<gateway>/auth/v1" behind a gateway
#   GOTRUE_JWT_SECRET (required)       the legacy HS256 secret that signed the anon/service-role keys
#   GOTRUE_JWT_KEYS                    JSON array of private JWKs, exactly one with key_ops "sign".
#                                      Unset: a generated ES256 signing key (kept in the state dir)
#                                      + GOTRUE_JWT_SECRET as {"kty":"oct","alg":"HS256","key_ops":["verify"]}.
#                                      GoTrue accepts only the algorithms of this set: a set without
#                                      an HS256 key refuses the legacy keys ("signing method HS256 is invalid").
#   GOTRUE_JWT_EXP [3600]              GOTRUE_SITE_URL [http://127.0.0.1:3000]   API_EXTERNAL_URL [issuer]
#   GOTRUE_STATE_DIR [/var/tmp/chat-gotrue]  (pid, log, generated signing key)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${GOTRUE_BIN:-$ROOT/.bin/gotrue}"
PORT="${GOTRUE_PORT:-9999}"
STATE="${GOTRUE_STATE_DIR:-/var/tmp/chat-gotrue}"
PG_PORT="${CHAT_PG_PORT:-54329}"
PG_SOCK="${CHAT_PG_DIR:-/var/tmp/chat-pg}/run"
PSQL=/usr/lib/postgresql/15/bin/psql
DB="${GOTRUE_DB_NAME:-chat_supabase_auth}"
AUTH_ADMIN_PASSWORD="${GOTRUE_DB_PASSWORD:-chat_supabase_auth}"
UNAVAILABLE=3

log() { echo "[gotrue-up] $*" >&2; }
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

# --- what to run ------------------------------------------------------------------------------------
if [ ! -x "$BIN" ]; then
  log "no GoTrue binary at $BIN (set GOTRUE_BIN to one built from github.com/supabase/auth); not starting it"
  exit "$UNAVAILABLE"
fi
if [ -n "${GOTRUE_MIGRATIONS:-}" ]; then
  MIGRATIONS="$GOTRUE_MIGRATIONS"
elif [ -d "$(dirname "$BIN")/migrations" ]; then
  MIGRATIONS="$(dirname "$BIN")/migrations"
else
  MIGRATIONS="$ROOT/.bin/gotrue-migrations"
fi
if ! ls "$MIGRATIONS"/*.up.sql >/dev/null 2>&1; then
  log "no GoTrue migrations in $MIGRATIONS (set GOTRUE_MIGRATIONS to the migrations/ folder of the binary's version); not starting it"
  exit "$UNAVAILABLE"
fi
[ -n "${GOTRUE_JWT_SECRET:-}" ] || { log "GOTRUE_JWT_SECRET is required"; exit 1; }

if [ -s "$STATE/gotrue.pid" ] && kill -0 "$(cat "$STATE/gotrue.pid")" 2>/dev/null; then
  log "already running (pid $(cat "$STATE/gotrue.pid")); run scripts/gotrue-down.sh to restart"
  exit 0
fi

# --- database: roles and schema as on a Supabase project ----------------------------------------
mkdir -p "$STATE"; chmod 700 "$STATE"
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

# --- signing keys -----------------------------------------------------------------------------------
if [ -z "${GOTRUE_JWT_KEYS:-}" ]; then
  [ -s "$STATE/es256-signing-key.json" ] || node -e '
    const { generateKeyPairSync, randomUUID } = require("node:crypto");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = privateKey.export({ format: "jwk" });
    process.stdout.write(JSON.stringify({ ...jwk, kid: randomUUID(), alg: "ES256", use: "sig", key_ops: ["sign", "verify"] }));
  ' >"$STATE/es256-signing-key.json"
  GOTRUE_JWT_KEYS="$(GOTRUE_JWT_SECRET="$GOTRUE_JWT_SECRET" node -e '
    const { randomUUID } = require("node:crypto");
    const signing = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    // GoTrue takes the secret bytes as they are (not base64-decoded).
    const legacy = { kty: "oct", k: Buffer.from(process.env.GOTRUE_JWT_SECRET).toString("base64url"), kid: randomUUID(), alg: "HS256", use: "sig", key_ops: ["verify"] };
    process.stdout.write(JSON.stringify([signing, legacy]));
  ' "$STATE/es256-signing-key.json")"
fi
# GoTrue refuses to start without exactly one signing key; say which way the set is wrong first.
GOTRUE_JWT_KEYS="$GOTRUE_JWT_KEYS" node -e '
  const keys = JSON.parse(process.env.GOTRUE_JWT_KEYS);
  const signing = keys.filter(k => (k.key_ops || []).includes("sign"));
  if (signing.length !== 1) { console.error(`[gotrue-up] GOTRUE_JWT_KEYS needs exactly one key with key_ops "sign" (found ${signing.length})`); process.exit(1); }
  if (!keys.some(k => k.alg === "HS256"))
    console.error("[gotrue-up] warning: GOTRUE_JWT_KEYS has no HS256 key: tokens signed with the legacy secret (anon and service-role keys) will be refused");
' || exit 1
ISSUER="${GOTRUE_JWT_ISSUER:-http://127.0.0.1:$PORT}"

# --- start ------------------------------------------------------------------------------------------
log "starting $BIN on 127.0.0.1:$PORT (issuer $ISSUER, migrations $MIGRATIONS)"
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
