#!/usr/bin/env bash
# Runs one load profile with your own k6 (v2.2.0; `k6` on PATH or K6=/path/to/k6), seeds when the
# fixture is missing, and writes the end-of-test summary (JSON) and the web dashboard report (HTML)
# into k6/report/.
#
#   bash k6/run.sh smoke|load|stress|soak|spike [extra k6 run args…]
#   BASE_URL=http://127.0.0.1:3000 bash k6/run.sh smoke
#   INSTANCES=http://127.0.0.1:3001,http://127.0.0.1:3002 bash k6/run.sh load
#
# Exit code is k6's: 0 = all thresholds held, 99 = a threshold failed, other = error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROFILE="${1:-smoke}"
shift || true
case "$PROFILE" in smoke|load|stress|soak|spike) ;; *) echo "usage: $0 smoke|load|stress|soak|spike [k6 args]" >&2; exit 2 ;; esac

export BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
FIRST_INSTANCE="${INSTANCES:-$BASE_URL}"
FIRST_INSTANCE="${FIRST_INSTANCE%%,*}"
FIXTURE="${FIXTURE:-data/load-fixture.json}"
K6="${K6:-k6}"

if ! command -v "$K6" >/dev/null 2>&1; then
  echo "[k6/run.sh] no k6 binary (\`$K6\`): install k6 v2.2.0 yourself and put it on PATH or set K6=/path/to/k6." >&2
  echo "[k6/run.sh] On a machine without k6, \`npm run load:$PROFILE\` runs the same scenarios with the project's Node driver." >&2
  exit 2
fi
case "$("$K6" version 2>/dev/null | head -1)" in
  *v2.*) ;;
  *) echo "[k6/run.sh] warning: the suite is written for k6 v2.2.0; found: $("$K6" version 2>/dev/null | head -1)" >&2 ;;
esac

if [ ! -f "$ROOT/k6/$FIXTURE" ] || [ "${RESEED:-0}" = "1" ]; then
  echo "[k6/run.sh] seeding $FIRST_INSTANCE (fixture k6/$FIXTURE)"
  BASE_URL="$FIRST_INSTANCE" FIXTURE="k6/$FIXTURE" node "$ROOT/scripts/seed-load.mjs"
fi

REPORT_DIR="$ROOT/k6/report"
mkdir -p "$REPORT_DIR"
STAMP="$(date +%Y%m%d-%H%M%S)"

# k6's built-in web dashboard: no live server (port -1), only the HTML export at the end.
export K6_WEB_DASHBOARD=true
export K6_WEB_DASHBOARD_PORT="${K6_WEB_DASHBOARD_PORT:--1}"
export K6_WEB_DASHBOARD_EXPORT="${K6_WEB_DASHBOARD_EXPORT:-$REPORT_DIR/$PROFILE.html}"
export K6_WEB_DASHBOARD_PERIOD="${K6_WEB_DASHBOARD_PERIOD:-5s}"

echo "[k6/run.sh] profile $PROFILE against ${INSTANCES:-$BASE_URL}"
set +e
PROFILE="$PROFILE" FIXTURE="$FIXTURE" "$K6" run \
  --summary-export "$REPORT_DIR/$PROFILE-summary.json" \
  "$@" "$ROOT/k6/chat.js" 2>&1 | tee "$REPORT_DIR/$PROFILE-$STAMP.log"
code=${PIPESTATUS[0]}
set -e
echo "[k6/run.sh] exit $code; reports: k6/report/$PROFILE-summary.json, k6/report/$PROFILE.html, k6/report/$PROFILE-$STAMP.log"
exit "$code"
