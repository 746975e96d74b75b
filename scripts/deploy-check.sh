#!/usr/bin/env bash
# Checks deploy/nginx.conf with a real nginx, without Docker: renders it for this machine (the
# compose service names become loopback addresses; the pid file, temp files and the access log go
# to a folder of its own, DIR/access.log) and runs `nginx -t` on the result.
#
#   bash scripts/deploy-check.sh                      # nginx -t with placeholder upstreams
#   DEPLOY_UPSTREAMS="127.0.0.1:3001 127.0.0.1:3002" DEPLOY_LISTEN=127.0.0.1:8080 \
#     bash scripts/deploy-check.sh --render DIR       # also leaves DIR/nginx.conf to run:
#   nginx -c DIR/nginx.conf -g 'daemon off;'
#
# test/services/deploy-lb.test.ts renders through here and runs two instances behind the result.
# Needs nginx (Debian: apt-get install nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=""
if [ "${1:-}" = "--render" ]; then
  dir="${2:?usage: deploy-check.sh --render DIR}"
  mkdir -p "$dir"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
dir="$(cd "$dir" && pwd)"

nginx_bin="$(command -v nginx || true)"
[ -n "$nginx_bin" ] || { [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx; }
if [ -z "$nginx_bin" ]; then
  echo "[deploy-check] nginx is not installed (Debian: apt-get install nginx-light)" >&2
  exit 2
fi

source_conf=deploy/nginx.conf
count=$(grep -cE '^\s*server\s+app-[0-9]+:[0-9]+' "$source_conf")
read -r -a upstreams <<<"${DEPLOY_UPSTREAMS:-$(for i in $(seq 1 "$count"); do printf '127.0.0.1:%d ' "$((9000 + i))"; done)}"
if [ "${#upstreams[@]}" != "$count" ]; then
  echo "[deploy-check] $source_conf has $count app servers, DEPLOY_UPSTREAMS gives ${#upstreams[@]}" >&2
  exit 1
fi
listen="${DEPLOY_LISTEN:-127.0.0.1:8080}"

# app-N:PORT -> the N-th upstream; `listen 80` -> DEPLOY_LISTEN; pid, temp files and access log -> $dir.
awk -v ups="${upstreams[*]}" -v listen="$listen" -v dir="$dir" '
  BEGIN { n = split(ups, up, " ") }
  /^[[:space:]]*server[[:space:]]+app-[0-9]+:[0-9]+/ {
    i++; sub(/app-[0-9]+:[0-9]+/, up[i])
  }
  /^[[:space:]]*listen[[:space:]]+80;/ { sub(/80;/, listen ";") }
  /^[[:space:]]*pid[[:space:]]/ { $0 = "pid " dir "/nginx.pid;" }
  /^[[:space:]]*access_log[[:space:]]+\/dev\/stdout/ { sub(/\/dev\/stdout/, dir "/access.log") }
  { print }
  /^http[[:space:]]*\{/ {
    print "  client_body_temp_path " dir "/client_body;"
    print "  proxy_temp_path " dir "/proxy;"
    print "  fastcgi_temp_path " dir "/fastcgi;"
    print "  uwsgi_temp_path " dir "/uwsgi;"
    print "  scgi_temp_path " dir "/scgi;"
  }
' "$source_conf" >"$dir/nginx.conf"

if ! grep -q "pid $dir/nginx.pid;" "$dir/nginx.conf" || ! grep -q "access_log $dir/access.log" "$dir/nginx.conf" \
  || grep -qE 'app-[0-9]+:' "$dir/nginx.conf"; then
  echo "[deploy-check] could not render $source_conf for this machine" >&2
  exit 1
fi

# -e: nginx's own early error log goes to stderr, not to a system path that may not exist.
"$nginx_bin" -e stderr -p "$dir" -c "$dir/nginx.conf" -t
echo "[deploy-check] $source_conf: nginx -t passed ($("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'); upstreams ${upstreams[*]}, listen $listen)" >&2
