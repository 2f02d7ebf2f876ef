#!/usr/bin/env bash
# The engine's database connections over TCP with sslmode=verify-full: the
# engine hands database.url to libpq untouched, and the runtime's URL derived
# from it (as ccc_app) keeps sslmode and sslrootcert. A private cluster
# listens on 127.0.0.1 with TLS only (plain TCP is rejected); the engine starts
# on it, places an order, and every connection it keeps is ccc_app over TLS.
# A server certificate the given root does not vouch for stops start-up.
#
#   ORDER_ENGINE_BINARY=build/order_engine tests/security/postgres_tls_test.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
# shellcheck source=tests/security/test_engine.sh
. "$here/test_engine.sh"
admin_token=pg-tls-admin-token-0123456789abcdef
# shellcheck source-path=SCRIPTDIR/../..
. "$source_dir/scripts/lib.sh"

fail() {
  printf 'postgres tls test: FAILED: %s\n' "$*" >&2
  exit 1
}

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
for tool in curl python3 openssl; do command -v "$tool" >/dev/null || fail "needs $tool"; done

work="$(mktemp -d "${TMPDIR:-/tmp}/ccc-pg-tls.XXXXXX")"
engine_pid=
cleanup() {
  stop_test_engine
  pg_stop "$work/data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT


# A certificate for localhost, self-signed: its own root. And another root
# that vouches for nothing here.
certificate() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$1.key" -out "$1.crt" >/dev/null 2>&1
}
certificate "$work/server"
certificate "$work/stranger"

pg_start "$work/data" "$work/sock" shop >/dev/null
pg_port="$(free_port)"
cp "$work/server.crt" "$work/server.key" "$work/data/"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work/data/server.crt" "$work/data/server.key"; fi
chmod 600 "$work/data/server.key"
# On top of pg_start's settings, until its next start rewrites them: TCP on
# loopback, TLS only.
cat >>"$work/data/ccc.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
# First match wins: these go before initdb's own host lines.
{
  printf 'hostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n'
  cat "$work/data/pg_hba.conf"
} >"$work/pg_hba.conf"
cat "$work/pg_hba.conf" >"$work/data/pg_hba.conf"
ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$work/data" -l "$work/data/server.log" -m fast -w -t 60 restart >/dev/null
psql=("$CCC_PG_BIN/psql" -h "$CCC_PG_SOCKET_DIR" -p "$pg_port" -U postgres -d shop -X -q -tA -v ON_ERROR_STOP=1)

tcp_url="postgresql://postgres@localhost:$pg_port/shop?sslmode=verify-full&sslrootcert=$work/server.crt"
"$CCC_PG_BIN/psql" "${tcp_url/sslmode=verify-full/sslmode=disable}" -X -q -c 'select 1' >/dev/null 2>&1 &&
  fail "the cluster accepts plain TCP: the test would prove nothing"

port="$(free_port)"
base="http://127.0.0.1:$port"

# A root that does not vouch for the server: no start, and libpq's reason.
status=0
(exec_test_engine "${tcp_url/server.crt/stranger.crt}" "$port") >"$work/refused.log" 2>&1 || status=$?
[ "$status" -eq 3 ] || { cat "$work/refused.log" >&2; fail "an unverifiable server certificate gave exit $status, not 3"; }
grep -q 'certificate verify failed' "$work/refused.log" ||
  { cat "$work/refused.log" >&2; fail "the refusal does not say the certificate failed verification"; }

(exec_test_engine "$tcp_url" "$port") >"$work/engine.log" 2>&1 &
engine_pid=$!
wait_for_test_engine "$engine_pid" "$base" "$work/engine.log"
curl -fsS -o /dev/null --max-time 1 "$base/readyz" || fail "the engine is not ready"
checkout='{"items":[{"sku":"HP-64XL-BLK","quantity":1}],"customer":{"name":"Ada Lovelace","email":"ada@example.com"},"shipping":{"line1":"1 Euclid Ave","line2":"","city":"Cleveland","region":"OH","postal_code":"44115","country":"US"},"payment_method":"XMR"}'
curl -fsS --max-time 10 -H 'Content-Type: application/json' -X POST "$base/api/orders" -d "$checkout" -o /dev/null ||
  fail "checkout failed"

# Every connection the engine keeps: ccc_app, over TLS, on TCP.
connections="$("${psql[@]}" -c "select a.usename || ' ' || s.ssl || ' ' || (a.client_addr is not null)
  from pg_stat_activity a join pg_stat_ssl s using (pid)
  where a.datname = 'shop' and a.backend_type = 'client backend' and a.pid <> pg_backend_pid()")"
[ -n "$connections" ] || fail "the engine keeps no connection"
if printf '%s\n' "$connections" | grep -v -q '^ccc_app true true$'; then
  printf '%s\n' "$connections" >&2
  fail "a connection of the engine is not ccc_app over TLS on TCP"
fi
count="$(printf '%s\n' "$connections" | wc -l)"

# The runtime verifies too (its URL kept sslmode=verify-full and sslrootcert):
# the server changes to a certificate its root does not vouch for, the
# runtime's connections are dropped, and it cannot come back.
cp "$work/stranger.crt" "$work/data/server.crt"
cp "$work/stranger.key" "$work/data/server.key"
ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$work/data" reload >/dev/null
sleep 0.5  # the postmaster reads the new files on SIGHUP, asynchronously
"${psql[@]}" -c "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'ccc_app'" >/dev/null
ready=
for _ in $(seq 200); do
  ready="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)"
  [ "$ready" = 503 ] && break
  sleep 0.1
done
[ "$ready" = 503 ] || fail "the runtime reconnected to a server its root does not vouch for (readyz $ready)"
# The server itself is fine: a client that does not verify (sslmode=require)
# still gets in as ccc_app, so only the verification keeps the runtime out.
"$CCC_PG_BIN/psql" "postgresql://ccc_app@localhost:$pg_port/shop?sslmode=require" -X -q -tA -c 'select 1' \
  >/dev/null || fail "the server no longer answers over TLS: the 503 proves nothing"
printf 'postgres over TLS: %d connections, all ccc_app, verify-full; a foreign server certificate refused\n' "$count"
