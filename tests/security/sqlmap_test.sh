#!/usr/bin/env bash
# sqlmap against the real order_engine: the checkout body, the customer's order
# page, the admin order search and the payment exception routes, each probed
# with boolean-blind, error-based, UNION, stacked and time-based payloads for
# PostgreSQL. Fails when sqlmap reports anything injectable, when the engine
# answers a probe with a 5xx, when a run does not finish its tests, or when the
# engine does not survive. Skipped (exit 77) only when sqlmap is missing and
# cannot be installed.
#
#   ORDER_ENGINE_BINARY=build/order_engine \
#   ORDER_ENGINE_TEST_DATABASE_URL='postgresql://postgres@/postgres?host=/sock&port=5432' \
#   tests/security/sqlmap_test.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
# shellcheck source=tests/security/test_engine.sh
. "$here/test_engine.sh"
skip=77
psql=/usr/lib/postgresql/15/bin/psql
admin_token=sqlmap-admin-token-0123456789abcdef

fail() {
  printf 'sqlmap test: FAILED: %s\n' "$*" >&2
  exit 1
}

if ! command -v sqlmap >/dev/null 2>&1; then
  # scripts/test installs it with the other dependencies (scripts/lib.sh); a
  # bare ctest gets one attempt here.
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sqlmap >/dev/null 2>&1 || true
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sqlmap >/dev/null 2>&1 || true
  fi
  if ! command -v sqlmap >/dev/null 2>&1; then
    printf 'SKIPPED: sqlmap is not installed and could not be installed (apt-get install sqlmap)\n'
    exit "$skip"
  fi
fi

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
[ -n "${ORDER_ENGINE_TEST_DATABASE_URL:-}" ] ||
  fail "set ORDER_ENGINE_TEST_DATABASE_URL to a PostgreSQL URL allowed to create databases (scripts/test does)"
command -v curl >/dev/null || fail "needs curl"
command -v python3 >/dev/null || fail "needs python3"

work="$(mktemp -d "${TMPDIR:-/tmp}/ccc-sqlmap.XXXXXX")"
database="s_sqlmap_$$"
engine_pid=
cleanup() {
  stop_test_engine
  "$psql" "$ORDER_ENGINE_TEST_DATABASE_URL" -X -q -c "drop database if exists \"$database\" with (force)" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Same server and options, other database: only the URL's path changes.
database_url="$(python3 - "$ORDER_ENGINE_TEST_DATABASE_URL" "$database" <<'PY'
import re, sys
m = re.match(r'^(postgres(?:ql)?://[^/?#]*)(/[^?#]*)?(.*)$', sys.argv[1])
if not m:
    sys.exit("not a PostgreSQL URL: " + sys.argv[1])
print(m.group(1) + "/" + sys.argv[2] + m.group(3))
PY
)"
"$psql" "$ORDER_ENGINE_TEST_DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "create database \"$database\"" >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

(exec_test_engine "$database_url" "$port" \
  ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE=0 \
  ORDER_ENGINE_LIMITS_ORDER_ACTIONS_PER_MINUTE=0 \
  ORDER_ENGINE_LIMITS_ANALYTICS_PER_MINUTE=0 \
  ORDER_ENGINE_MAIL_MAX_PER_RECIPIENT_PER_HOUR=0) >"$work/engine.log" 2>&1 &
engine_pid=$!
wait_for_test_engine "$engine_pid" "$base" "$work/engine.log"

json_field() { python3 -c 'import json, sys; v = json.load(sys.stdin); [v := v[k] for k in sys.argv[1:]]; print(v)' "$@"; }
api() { curl -sS --max-time 10 -H 'Content-Type: application/json' "$@"; }
admin() { api -H "Authorization: Bearer $admin_token" "$@"; }

# What the probes act on: a pending order and its token, a cancelled order that
# cannot take a payment, and two payment exceptions (one already dismissed), so
# that every probed request reaches the database and answers the same way twice.
checkout='{"items":[{"sku":"HP-64XL-BLK","quantity":2}],"customer":{"name":"Ada Lovelace","email":"ada@example.com"},"shipping":{"line1":"1 Euclid Ave","line2":"","city":"Cleveland","region":"OH","postal_code":"44115","country":"US"},"payment_method":"XMR"}'
order="$(api -X POST "$base/api/orders" -d "$checkout")"
order_id="$(json_field id <<<"$order")"
token="$(json_field access_token <<<"$order")"
number="$(json_field number <<<"$order")"
cancelled="$(api -X POST "$base/api/orders" -d "$checkout")"
cancelled_id="$(json_field id <<<"$cancelled")"
api -X POST "$base/api/orders/$cancelled_id/cancel?token=$(json_field access_token <<<"$cancelled")" -o /dev/null
printf 'txid,coin,amount,received_at,memo\nsqlmap-tx-1,XMR,0.000000001,2026-01-01T00:00:00Z,\nsqlmap-tx-2,XMR,0.000000002,2026-01-01T00:00:00Z,\n' |
  curl -sS --max-time 30 -H "Authorization: Bearer $admin_token" -H 'Content-Type: text/csv' --data-binary @- \
    "$base/admin/api/payments/import" -o /dev/null
exceptions="$(admin "$base/admin/api/payments/exceptions?status=open")"
open_id="$(python3 -c 'import json, sys; print(min(e["id"] for e in json.load(sys.stdin)["exceptions"]))' <<<"$exceptions")"
dismissed_id="$(python3 -c 'import json, sys; print(max(e["id"] for e in json.load(sys.stdin)["exceptions"]))' <<<"$exceptions")"
[ "$open_id" != "$dismissed_id" ] || fail "the import made fewer than two payment exceptions: $exceptions"
admin -X POST "$base/admin/api/payments/exceptions/$dismissed_id/dismiss" -d '{"reason":"sqlmap setup"}' -o /dev/null

# Bounded so that the whole run takes a few minutes: PostgreSQL payloads only,
# level 3 (more boundaries, and the User-Agent and Referer headers too), risk 2
# (heavier time-based queries, but no OR payloads that could change every row),
# short time-based delays.
sqlmap_options=(--batch --ignore-stdin --disable-coloring --flush-session --dbms=PostgreSQL --level=3 --risk=2
  --technique=BEUST --time-sec=2 --timeout=15 --retries=1 --threads=1)
export HOME="$work/home"
mkdir -p "$HOME"

failures=0
total_started=$(date +%s)
# probe <name> <sqlmap arguments...>
probe() {
  local name="$1" log="$work/$1.log" started status=0
  shift
  started=$(date +%s)
  sqlmap "${sqlmap_options[@]}" --output-dir="$work/out-$name" "$@" >"$log" 2>&1 || status=$?
  local took=$(($(date +%s) - started))
  local verdict=clean
  # sqlmap writes each injection point it confirms into <output>/<host>/log.
  local findings
  findings="$(cat "$work/out-$name"/*/log 2>/dev/null | wc -c)"
  if [ "$findings" -gt 0 ] ||
    grep -Eq "identified the following injection point|is vulnerable|appears to be .* injectable" "$log"; then
    verdict="INJECTABLE"
  elif grep -Eq "HTTP error codes detected during run:.*\b5[0-9][0-9]\b" "$log"; then
    verdict="5xx answers"
  elif ! grep -q "do not appear to be injectable" "$log" || [ "$status" -ne 0 ]; then
    verdict="did not finish (exit $status)"
  fi
  local tested
  tested="$(sed -n "s/.*testing for SQL injection on \(.*\)parameter '\([^']*\)'.*/\1\2/p" "$log" |
    sed 's/(custom) //' | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
  printf '%-20s %-24s %3ds  parameters: %s\n' "$name" "$verdict" "$took" "$tested"
  if [ "$verdict" != clean ]; then
    failures=$((failures + 1))
    grep -E "CRITICAL|ERROR|WARNING|injectable|Parameter:|HTTP error codes" "$log" | head -n 40 | sed 's/^/    /'
  fi
}

bearer="Authorization: Bearer $admin_token"
json_type="Content-Type: application/json"
probe checkout -u "$base/api/orders" --method=POST -H "$json_type" --data="$checkout"
probe order_page -u "$base/api/orders/${order_id}*?token=${token}*"
probe order_search -u "$base/admin/api/orders?q=${number:0:8}&status=pending&limit=50" -H "$bearer"
probe exception_list -u "$base/admin/api/payments/exceptions?status=open" -H "$bearer"
probe exception_assign -u "$base/admin/api/payments/exceptions/${open_id}*/assign" --method=POST -H "$bearer" \
  -H "$json_type" --data="{\"order_id\":\"${cancelled_id}*\"}"
probe exception_dismiss -u "$base/admin/api/payments/exceptions/${dismissed_id}*/dismiss" --method=POST -H "$bearer" \
  -H "$json_type" --data='{"reason":"not ours*"}'
printf 'total %ds\n' "$(($(date +%s) - total_started))"

kill -0 "$engine_pid" 2>/dev/null || fail "the engine died under the probes"
curl -fsS -o /dev/null --max-time 5 "$base/healthz" || fail "the engine stopped answering under the probes"
[ "$failures" -eq 0 ] || fail "$failures of 6 probes found something (logs above)"
printf 'sqlmap found nothing injectable\n'
