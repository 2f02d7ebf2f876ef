#!/usr/bin/env bash
# Browser end-to-end tests: the real order_engine (one per test file, each on
# a fresh database) and Debian's Chromium driven by playwright-core, under
# node's own test runner.
#
#   ORDER_ENGINE_BINARY=build/order_engine \
#   ORDER_ENGINE_TEST_DATABASE_URL='postgresql://postgres@/postgres?host=/sock&port=5432' \
#   tests/browser/run.sh [test files...]      # default: every *.test.mjs here
#
# ORDER_ENGINE_SOURCE_DIR defaults to the tree this script is in. Screenshots
# of each step land in tests/browser/artifacts/<suite>/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
export ORDER_ENGINE_SOURCE_DIR="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"

fail() {
  printf 'browser tests: FAILED: %s\n' "$*" >&2
  exit 1
}

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
[ -n "${ORDER_ENGINE_TEST_DATABASE_URL:-}" ] ||
  fail "set ORDER_ENGINE_TEST_DATABASE_URL to a PostgreSQL URL allowed to create databases"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || fail "needs Chromium: apt-get install -y chromium"
command -v node >/dev/null || fail "needs node (18.19 or newer)"

# The engine binary may be relative to where we were started.
case "$ORDER_ENGINE_BINARY" in
  /*) ;;
  *) ORDER_ENGINE_BINARY="$PWD/$ORDER_ENGINE_BINARY" ;;
esac
export ORDER_ENGINE_BINARY ORDER_ENGINE_TEST_DATABASE_URL

cd "$here"
if [ ! -f node_modules/playwright-core/package.json ] ||
  [ "$(node -p 'require("./node_modules/playwright-core/package.json").version')" != \
    "$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  shopt -s nullglob
  files=(./*.test.mjs)
fi
[ "${#files[@]}" -gt 0 ] || fail "no test files"

# Two files at a time: each brings an engine and a browser, and the machines
# that run this have few cores. (Node 18, Debian 12's own, has no such flag.)
flags=(--test --test-reporter=spec)
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  flags+=(--test-concurrency="${BROWSER_TEST_CONCURRENCY:-2}")
fi
exec node "${flags[@]}" "${files[@]}"
