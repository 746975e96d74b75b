#!/usr/bin/env bash
# Installs k6 v2.2.0 into <repo>/.bin/k6 (idempotent). Needs Go ≥ 1.25 and network access to the
# Go module proxy. k6 2.x has no Socket.IO support of its own; the suite speaks it over k6/websockets.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="v2.2.0"
BIN_DIR="$ROOT/.bin"
K6="$BIN_DIR/k6"

if [ -x "$K6" ] && "$K6" version 2>/dev/null | grep -q "k6 $VERSION"; then
  echo "[install-k6] $("$K6" version | head -1) already at .bin/k6"
  exit 0
fi
command -v go >/dev/null || { echo "[install-k6] Go is required (https://go.dev/dl/)" >&2; exit 1; }
mkdir -p "$BIN_DIR"

echo "[install-k6] go install go.k6.io/k6/v2@$VERSION"
if GOBIN="$BIN_DIR" go install "go.k6.io/k6/v2@$VERSION"; then
  :
else
  # Some proxies answer the deprecation lookup (`…/@v/list`) with 404, which makes `go install`
  # give up; building from a throw-away module resolves the same version without that lookup.
  echo "[install-k6] go install failed; building from a temporary module"
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  printf 'module k6build\n\ngo 1.26\n\nrequire go.k6.io/k6/v2 %s\n' "$VERSION" > "$TMP/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.k6.io/k6/v2"\n' > "$TMP/tools.go"
  (cd "$TMP" && GOPROXY=https://proxy.golang.org GOFLAGS=-mod=mod go build -o "$K6" go.k6.io/k6/v2)
fi

"$K6" version | head -1
