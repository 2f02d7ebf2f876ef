#!/usr/bin/env bash
# pgaudit on the cluster scripts/run starts (pg_start --audit): the real engine
# places an order and the admin opens it, so the runtime (ccc_app) writes and
# reads a customer; the cluster's log must then hold AUDIT lines naming the
# table and the role, and none for a table without personal data (the audit is
# limited to customers and customer_keys). Skipped (exit 77) only when
# Debian's postgresql-15-pgaudit is missing and cannot be installed.
#
#   ORDER_ENGINE_BINARY=build/order_engine tests/security/pgaudit_test.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
# shellcheck source=tests/security/test_engine.sh
. "$here/test_engine.sh"
skip=77
admin_token=pgaudit-admin-token-0123456789abcdef
# shellcheck source-path=SCRIPTDIR/../..
. "$source_dir/scripts/lib.sh"

fail() {
  printf 'pgaudit test: FAILED: %s\n' "$*" >&2
  exit 1
}

if [ ! -f "$CCC_PG_BIN/../lib/pgaudit.so" ] && [ ! -f /usr/lib/postgresql/15/lib/pgaudit.so ]; then
  # scripts/test installs it with the other dependencies (scripts/lib.sh); a
  # bare ctest gets one attempt here.
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15-pgaudit \
      >/dev/null 2>&1 || true
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15-pgaudit \
      >/dev/null 2>&1 || true
  fi
  if [ ! -f /usr/lib/postgresql/15/lib/pgaudit.so ]; then
    printf 'SKIPPED: pgaudit is not installed and could not be installed (apt-get install postgresql-15-pgaudit)\n'
    exit "$skip"
  fi
fi

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
command -v curl >/dev/null || fail "needs curl"
command -v python3 >/dev/null || fail "needs python3"

work="$(mktemp -d "${TMPDIR:-/tmp}/ccc-pgaudit.XXXXXX")"
engine_pid=
cleanup() {
  stop_test_engine
  pg_stop "$work/data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A cluster of its own, set up exactly as scripts/run's.
pg_start --audit "$work/data" "$work/sock" shop >/dev/null
log="$work/data/server.log"
port="$(free_port)"
base="http://127.0.0.1:$port"

(exec_test_engine "$CCC_PG_URL" "$port") >"$work/engine.log" 2>&1 &
engine_pid=$!
wait_for_test_engine "$engine_pid" "$base" "$work/engine.log"

# The runtime writes a customer (checkout) and reads one (the admin's order view).
checkout='{"items":[{"sku":"HP-64XL-BLK","quantity":1}],"customer":{"name":"Ada Lovelace","email":"ada@example.com"},"shipping":{"line1":"1 Euclid Ave","line2":"","city":"Cleveland","region":"OH","postal_code":"44115","country":"US"},"payment_method":"XMR"}'
order_id="$(curl -fsS --max-time 10 -H 'Content-Type: application/json' -X POST "$base/api/orders" -d "$checkout" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')" || fail "checkout failed"
curl -fsS --max-time 10 -H "Authorization: Bearer $admin_token" "$base/admin/api/orders/$order_id" |
  grep -q 'ada@example.com' || fail "the admin's order view does not show the customer"
kill -TERM "$engine_pid"
wait "$engine_pid" || fail "the engine did not stop cleanly"
engine_pid=

# AUDIT: OBJECT,<statement>,<substatement>,<class>,<command>,<object type>,<object>,<statement text>,<parameters>
audit_lines() { grep 'AUDIT: OBJECT,' "$log" || true; }
expect_line() {
  local what="$1" pattern="$2"
  if ! audit_lines | grep -E -q "$pattern"; then
    printf 'pgaudit test: no AUDIT line for %s (pattern %s); the AUDIT lines:\n' "$what" "$pattern" >&2
    audit_lines >&2
    exit 1
  fi
}
expect_line "ccc_app reading customers" ' ccc_app@shop LOG:  AUDIT: OBJECT,[0-9]+,[0-9]+,READ,SELECT,TABLE,public\.customers,'
expect_line "ccc_app writing customers" ' ccc_app@shop LOG:  AUDIT: OBJECT,[0-9]+,[0-9]+,WRITE,INSERT,TABLE,public\.customers,'
expect_line "ccc_app reading customer_keys" ' ccc_app@shop LOG:  AUDIT: OBJECT,[0-9]+,[0-9]+,READ,SELECT,TABLE,public\.customer_keys,'
# Limited to the customers' tables: the orders and events the same requests
# wrote and read are not in the audit log.
if audit_lines | grep -E -q 'TABLE,public\.(orders|events|outbox|idempotency_keys),'; then
  audit_lines | grep -E 'TABLE,public\.(orders|events|outbox|idempotency_keys),' >&2
  fail "tables without personal data are audited too"
fi
# No parameters: they would carry sealed personal data and blind indexes. An
# AUDIT record ends with its parameters, or <not logged> (its statement text
# may span lines, so count the endings).
records="$(audit_lines | wc -l)"
unlogged="$(grep -c ',<not logged>$' "$log" || true)"
[ "$unlogged" -ge "$records" ] || fail "$((records - unlogged)) of $records AUDIT records carry their parameters"
printf 'pgaudit: %d AUDIT lines, all on customers or customer_keys, each naming its role\n' "$(audit_lines | wc -l)"
