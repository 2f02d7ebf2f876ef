#!/usr/bin/env bash
# scripts/cluster as ops run it, on free loopback ports: `up 3` (three real
# engines on one private PostgreSQL behind HAProxy), checkouts through HAProxy,
# kill -9 of the node holding the singletons (another node holds them within
# cluster.failover_after and a few seconds; every order placed before is still
# readable through HAProxy), a rolling `restart` of every node under checkout
# load with no failed request, and `down` leaving no process behind.
#
#   ORDER_ENGINE_BINARY=build/order_engine tests/e2e/cluster_test.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"

fail() {
  printf 'cluster test: FAILED: %s\n' "$*" >&2
  exit 1
}
note() { printf 'cluster test: %s\n' "$*"; }

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
for tool in curl python3 haproxy socat; do
  command -v "$tool" >/dev/null || fail "needs $tool (scripts/lib.sh ensure_deps installs it)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/ccc-cluster.XXXXXX")"
cluster_dir="$work/cluster"
admin_token=cluster-test-admin-token-0123456789abcdef
failover_after_s=4

# A port whose three successors are free too (HAProxy, then the nodes).
front_port="$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    # Below the kernel's ephemeral range (net.ipv4.ip_local_port_range,
    # 32768-60999 by default): the cluster starts over many seconds, and a
    # port picked from that range can meanwhile become the source port of an
    # outgoing connection (to etcd, PostgreSQL, the SMTP sink) and refuse a
    # node its listening socket.
    base = random.randrange(20000, 32000)
    try:
        held = []
        for p in range(base, base + 4):
            t = socket.socket(); t.bind(("127.0.0.1", p)); held.append(t)
        for t in held: t.close()
        print(base); break
    except OSError:
        for t in held: t.close()
EOF
)"
[ -n "$front_port" ] || fail "no four free ports in a row"
base="http://127.0.0.1:$front_port"

# scripts/cluster with only the settings of this test: our own ORDER_ENGINE_*
# (the binary aside, the test database) are not meant for the nodes.
cluster() {
  local name _ clean=(env)
  while IFS='=' read -r name _; do
    case "$name" in ORDER_ENGINE_BINARY) ;; ORDER_ENGINE_*) clean+=(-u "$name") ;; esac
  done < <(env)
  "${clean[@]}" CCC_CLUSTER_DIR="$cluster_dir" \
    ORDER_ENGINE_HTTP_PORT="$front_port" \
    ORDER_ENGINE_ADMIN_TOKEN="$admin_token" \
    ORDER_ENGINE_CLUSTER_FAILOVER_AFTER="${failover_after_s}s" \
    ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE=0 \
    ORDER_ENGINE_PAYMENTS_XMR_CONFIRMATIONS=7 \
    ORDER_ENGINE_HTTP_SHUTDOWN_GRACE=5s \
    ORDER_ENGINE_LOG_LEVEL=info \
    "$source_dir/scripts/cluster" "$@"
}

load_pid=
cleanup() {
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  cluster down >/dev/null 2>&1 || true
  if [ "${KEEP_CLUSTER_TEST_DIR:-0}" = 1 ]; then note "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
admin_get() { curl -fsS --max-time 10 -H "Authorization: Bearer $admin_token" "$1"; }
alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}
checkout_body='{"items":[{"sku":"HP-64XL-BLK","quantity":1}],"customer":{"name":"Ada Lovelace","email":"ada@example.com"},"shipping":{"line1":"1 Euclid Ave","line2":"","city":"Cleveland","region":"OH","postal_code":"44115","country":"US"},"payment_method":"XMR"}'
# One keyed checkout through HAProxy; prints "<status> <order id>".
checkout() {
  local out status
  out="$(curl -sS --max-time 15 -o "$work/checkout.$1.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $1" -X POST "$base/api/orders" -d "$checkout_body" 2>/dev/null)" || out=000
  status="$out"
  if [ "$status" = 201 ]; then
    printf '%s %s\n' "$status" "$(json 'd["id"]' <"$work/checkout.$1.json")"
  else
    printf '%s -\n' "$status"
  fi
}
holder_of_retention() {
  admin_get "$base/admin/api/system" 2>/dev/null |
    json '"".join(s["node"] for s in d.get("cluster", {}).get("singletons", []) if s["name"] == "retention" and s["node_live"])' \
      2>/dev/null || true
}
pid_of() { json "[n['pid'] for n in d if n['name'] == '$1'][0]" <"$cluster_dir/nodes.json"; }

# ---------------------------------------------------------------- up 3
note "scripts/cluster up 3 on port $front_port"
cluster up 3 >"$work/up.out" 2>&1 || {
  cat "$work/up.out" >&2
  fail "scripts/cluster up 3 failed"
}
grep -q "$base/" "$work/up.out" || fail "up does not print the shop URL"
grep -q "$admin_token" "$work/up.out" || fail "up does not print the admin token"

# nodes.json: [{"name", "port", "pid"}], the pid being the engine itself.
python3 - "$cluster_dir/nodes.json" "$front_port" <<'EOF' || fail "nodes.json is not what it should be"
import json, sys
nodes = json.load(open(sys.argv[1])); front = int(sys.argv[2])
assert [n["name"] for n in nodes] == ["node1", "node2", "node3"], nodes
assert [n["port"] for n in nodes] == [front + 1, front + 2, front + 3], nodes
for n in nodes:
    assert set(n) == {"name", "port", "pid"} and isinstance(n["pid"], int), n
    assert open(f"/proc/{n['pid']}/comm").read().strip() == "order_engine", n
EOF
node_lines="$(json '"\n".join("%s %s %s" % (n["name"], n["port"], n["pid"]) for n in d)' <"$cluster_dir/nodes.json")"
[ "$(wc -l <<<"$node_lines")" = 3 ] || fail "nodes.json does not list 3 nodes"
while read -r name port pid; do
  grep -q "$name .*$port .*$pid" "$work/up.out" || fail "up does not print $name's port and PID"
  # Each node knows its name, sees the two others, and got the settings given to up.
  system="$(admin_get "http://127.0.0.1:$port/admin/api/system")"
  [ "$(json 'd["cluster"]["node"]' <<<"$system")" = "$name" ] || fail "$name does not call itself $name"
  [ "$(json 'len(d["cluster"]["live_nodes"])' <<<"$system")" = 3 ] || fail "$name does not see 3 live nodes: $system"
  curl -fsS "http://127.0.0.1:$port/api/payment-methods" | python3 -c "import json, sys; assert [m[\"confirmations_required\"] for m in json.load(sys.stdin) if m[\"code\"] == \"XMR\"] == [7]" ||
    fail "$name did not get ORDER_ENGINE_PAYMENTS_XMR_CONFIRMATIONS"
  curl -fsS "http://127.0.0.1:$port/metrics" -H "Authorization: Bearer $admin_token" | grep -q "ccc_node_info{node=\"$name\"} 1" ||
    fail "$name's /metrics has no ccc_node_info{node=\"$name\"}"
done <<<"$node_lines"

# ------------------------------------------------- checkouts through HAProxy
orders=()
for i in $(seq 12); do
  read -r status id < <(checkout "before-kill-$i")
  [ "$status" = 201 ] || fail "checkout $i through HAProxy answered $status"
  orders+=("$id")
done
for id in "${orders[@]}"; do
  for _ in 1 2 3; do
    admin_get "$base/admin/api/orders/$id" >/dev/null || fail "order $id is not readable through HAProxy"
  done
done
# HAProxy's log names the node that answered: one order, one node (and the
# orders spread over more than one).
sleep 0.5
python3 - "$cluster_dir/haproxy.log" "${orders[@]}" <<'EOF' || fail "the requests of one order did not all go to one node"
import re, sys
log = open(sys.argv[1]).read().splitlines()
nodes_of = {}
for order in sys.argv[2:]:
    nodes = {m.group(1) for line in log if "/admin/api/orders/" + order in line
             for m in [re.search(r" orders/(\S+) ", line)] if m}
    assert len(nodes) == 1, (order, nodes)
    nodes_of[order] = nodes.pop()
assert len(set(nodes_of.values())) > 1, nodes_of
EOF
note "12 checkouts through HAProxy, each readable; each order's reads on one node"

# ------------------------------------------ kill -9 of the singletons' holder
holder="$(holder_of_retention)"
[ -n "$holder" ] || fail "no live node holds the retention singleton"
holder_pid="$(pid_of "$holder")"
note "$holder (PID $holder_pid) holds the singletons: kill -9"
kill -9 "$holder_pid"
killed_at="$(date +%s%N)"
successor=
while :; do
  elapsed_ms=$((($(date +%s%N) - killed_at) / 1000000))
  successor="$(holder_of_retention)"
  [ -n "$successor" ] && [ "$successor" != "$holder" ] && break
  [ "$elapsed_ms" -le $(((failover_after_s + 3) * 1000)) ] || fail "no other node holds retention ${elapsed_ms} ms after the kill"
  sleep 0.1
done
note "$successor holds retention ${elapsed_ms} ms after the kill (failover_after ${failover_after_s}s)"
printf '%s\n' "$elapsed_ms" >"${CLUSTER_TEST_FIGURES:-/dev/null}"

# Every order placed before is readable through HAProxy: the dead node's share
# of the order ids goes to the others, which recover them from their events.
for id in "${orders[@]}"; do
  admin_get "$base/admin/api/orders/$id" >/dev/null || fail "order $id is not readable through HAProxy after the kill"
done
read -r status _ < <(checkout "after-kill")
[ "$status" = 201 ] || fail "a checkout after the kill answered $status"
note "every order placed before the kill is readable; checkout goes on"

# ---------------------------------------- rolling restart under checkout load
# Keyed checkouts, one after the other, until told to stop; each one that is
# not a 201 is a failure (a client would see it).
(
  n=0
  while [ ! -e "$work/stop-load" ]; do
    n=$((n + 1))
    read -r status _ < <(checkout "rolling-$n")
    printf '%s\n' "$status" >>"$work/load.statuses"
  done
) &
load_pid=$!
sleep 1
for name in node1 node2 node3; do
  cluster restart "$name" >>"$work/restart.out" 2>&1 || {
    cat "$work/restart.out" >&2
    fail "scripts/cluster restart $name failed"
  }
done
sleep 1
touch "$work/stop-load"
wait "$load_pid"
load_pid=
total="$(wc -l <"$work/load.statuses")"
failed="$(grep -vc '^201$' "$work/load.statuses" || true)"
[ "$total" -ge 10 ] || fail "only $total checkouts during the rolling restart"
[ "$failed" -eq 0 ] || fail "$failed of $total checkouts failed during the rolling restart: $(sort "$work/load.statuses" | uniq -c | tr '\n' ' ')"
note "rolling restart of 3 nodes under load: $total checkouts, none failed"
for id in "${orders[@]}"; do
  admin_get "$base/admin/api/orders/$id" >/dev/null || fail "order $id is not readable after the rolling restart"
done

# ---------------------------------------------------------------- down
pids="$(json '" ".join(str(n["pid"]) for n in d)' <"$cluster_dir/nodes.json") $(sed -n 's/^haproxy_pid=//p' "$cluster_dir/state.env")"
cluster down >"$work/down.out" 2>&1 || {
  cat "$work/down.out" >&2
  fail "scripts/cluster down failed"
}
for pid in $pids; do
  alive "$pid" && fail "PID $pid still runs after down"
done
if pgrep -f -- "-D $cluster_dir/pg/data" >/dev/null; then fail "the cluster's PostgreSQL still runs after down"; fi
[ ! -e "$cluster_dir/nodes.json" ] || fail "nodes.json is left after down"
note "down left no process"
note "PASSED"
