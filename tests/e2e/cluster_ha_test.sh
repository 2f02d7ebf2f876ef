#!/usr/bin/env bash
# `scripts/cluster up --ha` as ops run it, on free loopback ports: three real
# engines behind HAProxy on PostgreSQL 15 as a primary and a synchronous
# standby under Patroni, with etcd; mail to a real SMTP server (aiosmtpd) that
# records every message it accepts. Under continuous keyed checkout load
# through HAProxy (each client retries a checkout with the same
# Idempotency-Key until it gets its 201):
#   1. kill -9 of one engine node: the dead node's orders are served by
#      another node within 5 s; afterwards every 201 is exactly one order with
#      intact events, every email the outbox sent reached the SMTP server, and
#      none twice: the group the killed node was handing over when it died (at
#      most mail.senders x 4, the mailer's unit of record) is settled as
#      "uncertain" for the admin after mail.lease, not sent again;
#   2. kill -9 of the PostgreSQL primary (its Patroni, its postmaster and its
#      backends: the machine is gone): the standby takes over and the engines
#      serve checkouts again within 30 s (the figure is printed); every order
#      acknowledged before, during and after is there exactly once, and every
#      error answer meanwhile was problem+json;
# and `down` leaves no process (engines, HAProxy, Patroni, PostgreSQL, etcd).
# Exit 77 (skipped) only when Patroni or etcd is missing and cannot be installed.
#
#   ORDER_ENGINE_BINARY=build/order_engine tests/e2e/cluster_ha_test.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="${ORDER_ENGINE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"

fail() {
  printf 'cluster ha test: FAILED: %s\n' "$*" >&2
  exit 1
}
note() { printf 'cluster ha test: %s\n' "$*"; }

[ -n "${ORDER_ENGINE_BINARY:-}" ] || fail "set ORDER_ENGINE_BINARY to the built order_engine"
[ -x "$ORDER_ENGINE_BINARY" ] || fail "ORDER_ENGINE_BINARY=$ORDER_ENGINE_BINARY is not an executable"
for tool in curl python3 haproxy socat psql; do
  command -v "$tool" >/dev/null || fail "needs $tool (scripts/lib.sh ensure_deps installs it)"
done
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || fail "needs python3-aiosmtpd (scripts/lib.sh ensure_deps installs it)"
if ! command -v patroni >/dev/null || ! command -v etcd >/dev/null; then
  # shellcheck source-path=SCRIPTDIR/../..
  . "$source_dir/scripts/lib.sh"
  if ! ensure_packages "${CCC_HA_DEPENDENCIES[@]}" >/dev/null 2>&1 || ! command -v patroni >/dev/null ||
    ! command -v etcd >/dev/null; then
    printf 'cluster ha test: SKIPPED: Patroni and etcd (Debian: %s) are not installed and cannot be installed here\n' \
      "patroni etcd-server etcd-client" >&2
    exit 77
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ccc-ha.XXXXXX")"
chmod 755 "$work"
cluster_dir="$work/cluster"
admin_token=cluster-ha-test-admin-token-0123456789abcdef
failover_after_s=4
mail_lease_s=5
# Mail is never held back for checkouts here: this test is about what a kill
# leaves of mail, and every email of the load must reach the (slow, Python)
# SMTP server within check_mail's minute, which mail held back during the load
# would leave too little of.
mail_rate_while_busy=0
serve_again_limit_s=30
dead_node_orders_limit_ms=5000

# Twelve free ports in a row: HAProxy, three nodes, then etcd (2) and three
# PostgreSQL members (their server and REST API ports).
front_port="$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    # Below the kernel's ephemeral range (net.ipv4.ip_local_port_range,
    # 32768-60999 by default): the cluster starts over many seconds, and a
    # port picked from that range can meanwhile become the source port of an
    # outgoing connection (to etcd, PostgreSQL, the SMTP sink) and refuse a
    # node its listening socket.
    base = random.randrange(20000, 32000)
    held = []
    try:
        for p in range(base, base + 12):
            t = socket.socket(); t.bind(("127.0.0.1", p)); held.append(t)
        print(base); break
    except OSError:
        pass
    finally:
        for t in held: t.close()
EOF
)"
[ -n "$front_port" ] || fail "no twelve free ports in a row"
base="http://127.0.0.1:$front_port"
ha_port=$((front_port + 4))
smtp_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# scripts/cluster with only the settings of this test.
cluster() {
  local name _ clean=(env)
  while IFS='=' read -r name _; do
    case "$name" in ORDER_ENGINE_BINARY) ;; ORDER_ENGINE_*) clean+=(-u "$name") ;; esac
  done < <(env)
  "${clean[@]}" CCC_CLUSTER_DIR="$cluster_dir" CCC_CLUSTER_HA_PORT="$ha_port" \
    ORDER_ENGINE_HTTP_PORT="$front_port" \
    ORDER_ENGINE_ADMIN_TOKEN="$admin_token" \
    ORDER_ENGINE_CLUSTER_FAILOVER_AFTER="${failover_after_s}s" \
    ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE=0 \
    ORDER_ENGINE_MAIL_SMTP_URL="smtp://127.0.0.1:$smtp_port" \
    ORDER_ENGINE_MAIL_LEASE="${mail_lease_s}s" \
    ORDER_ENGINE_MAIL_RATE_WHILE_BUSY="$mail_rate_while_busy" \
    ORDER_ENGINE_HTTP_SHUTDOWN_GRACE=5s \
    ORDER_ENGINE_LOG_LEVEL=info \
    "$source_dir/scripts/cluster" "$@"
}

load_pid=
smtp_pid=
cleanup() {
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  cluster down >/dev/null 2>&1 || true
  [ -z "$smtp_pid" ] || kill "$smtp_pid" 2>/dev/null || true
  if [ "${KEEP_CLUSTER_TEST_DIR:-0}" = 1 ]; then note "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ------------------------------------------------------------ the SMTP server
# One line per message accepted: when (ms), its Message-ID and recipients.
cat >"$work/ccc_ha_sink.py" <<'EOF'
import email, time

class Sink:
    @classmethod
    def from_cli(cls, parser, path):
        return cls(path)

    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content)
        with open(self.path, "a") as f:
            f.write("%d %s %s\n" % (time.time() * 1000, message["Message-ID"], ",".join(envelope.rcpt_tos)))
        return "250 2.0.0 accepted"
EOF
PYTHONPATH="$work" /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c ccc_ha_sink.Sink "$work/mail.log" \
  >"$work/smtp.log" 2>&1 &
smtp_pid=$!
smtp_up=0
for _ in $(seq 100); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port), 1)" 2>/dev/null; then
    smtp_up=1
    break
  fi
  sleep 0.1
done
[ "$smtp_up" -eq 1 ] || fail "the SMTP server does not answer on port $smtp_port: $(tail -n 3 "$work/smtp.log")"
touch "$work/mail.log"

# ------------------------------------------------------------ the load
# WORKERS clients, each placing keyed checkouts one after another through
# HAProxy and retrying a checkout with the same key until it gets a 201; one
# line per attempt: sent_ms done_ms key status order_id content_type (of an
# error answer; "-" for a 201 or no answer). Stops (after the
# checkout in hand is acknowledged) when the file STOP exists.
cat >"$work/load.py" <<'EOF'
import json, os, sys, threading, time, urllib.error, urllib.request
base, out, stop, workers, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
lock = threading.Lock()
log = open(out, "a", buffering=1)

def body(key):
    return json.dumps({"items": [{"sku": "HP-64XL-BLK", "quantity": 1}],
                       "customer": {"name": "Ada Lovelace", "email": key + "@example.com"},
                       "shipping": {"line1": "1 Euclid Ave", "line2": "", "city": "Cleveland", "region": "OH",
                                    "postal_code": "44115", "country": "US"},
                       "payment_method": "XMR"}).encode()

def attempt(key):
    request = urllib.request.Request(base + "/api/orders", data=body(key), method="POST",
                                     headers={"Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, json.load(r).get("id", "-"), "-"
    except urllib.error.HTTPError as e:
        return e.code, "-", (e.headers.get("Content-Type") or "none").split(";")[0]
    except Exception:
        return 0, "-", "-"

def client(w):
    n = 0
    while not os.path.exists(stop):
        n += 1
        key = "%s-%d-%d" % (prefix, w, n)
        while True:
            sent = time.time()
            status, order, content_type = attempt(key)
            with lock:
                log.write("%d %d %s %d %s %s\n" % (sent * 1000, time.time() * 1000, key, status, order, content_type))
            if status == 201:
                break
            time.sleep(0.1)

threads = [threading.Thread(target=client, args=(w,)) for w in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
EOF
start_load() { # PREFIX
  rm -f "$work/stop-load"
  python3 "$work/load.py" "$base" "$work/attempts" "$work/stop-load" 4 "$1" &
  load_pid=$!
}
stop_load() {
  touch "$work/stop-load"
  wait "$load_pid" || fail "the load generator failed"
  load_pid=
}

# ------------------------------------------------------------ the database
member_rest_port() { echo $((ha_port + 2 * $1 + 1)); }
member_pg_port() { echo $((ha_port + 2 * $1)); }
leader_index() {
  local i
  for i in 1 2; do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$(member_rest_port "$i")/primary" 2>/dev/null && echo "$i" && return 0
  done
  return 1
}
# psql on the database `ccc` of the primary, as the superuser over its socket.
sql() {
  local i
  i="$(leader_index)" || fail "no Patroni member is the primary"
  psql -X -q -tA -v ON_ERROR_STOP=1 -h "$cluster_dir/ha/db$i/sock" -p "$(member_pg_port "$i")" -U postgres -d ccc -c "$1"
}

# Every 201 in the attempts log is one order, and the database holds no order
# but those: each acknowledged id is in `orders` once, its events run 1..n
# with order_placed first, its key names it in idempotency_keys; no order of
# the test's keys exists that no client saw acknowledged.
check_orders() { # WHAT
  sql "copy (select o.id, k.key, (select string_agg(e.seq::text || ':' || e.type, ',' order by e.seq) from events e where e.order_id = o.id)
        from orders o left join idempotency_keys k on k.order_id = o.id) to stdout" >"$work/orders.db"
  python3 - "$work/attempts" "$work/orders.db" <<'EOF' || fail "$1: the orders acknowledged are not exactly the orders stored"
import sys
acked = {}
for line in open(sys.argv[1]):
    _, _, key, status, order = line.split()[:5]
    if status == "201":
        assert acked.setdefault(key, order) == order, ("one key, two orders", key, acked[key], order)
stored = {}
for line in open(sys.argv[2]):
    order, key, events = line.rstrip("\n").split("\t")
    assert order not in stored, ("order stored twice", order)
    stored[order] = (key, events)
ids = set(acked.values())
assert len(ids) == len(acked), "two keys acknowledged with one order"
missing = ids - set(stored)
assert not missing, ("acknowledged but not stored", sorted(missing)[:5], len(missing))
extra = set(stored) - ids
assert not extra, ("stored but never acknowledged", sorted(extra)[:5], len(extra))
for key, order in acked.items():
    stored_key, events = stored[order]
    assert stored_key == key, ("idempotency key", order, stored_key, key)
    seqs = [e.split(":", 1) for e in events.split(",")]
    assert [int(s) for s, _ in seqs] == list(range(1, len(seqs) + 1)), ("events not 1..n", order, events)
    assert seqs[0][1] == "order_placed", ("first event", order, events)
print(len(acked))
EOF
}

# Waits until the outbox has nothing pending (the killed node's claimed mail
# is claimed again after mail.lease), then: every message the outbox recorded
# as sent reached the SMTP server, none reached it twice, and the only others
# it took are the uncertain ones: the killed node's group in flight, at most
# mail.senders x 4 (16). Prints the counts: accepted, uncertain.
check_mail() { # WHAT
  local pending sent uncertain
  for _ in $(seq 120); do
    pending="$(sql "select count(*) from outbox where status = 'pending'")"
    [ "$pending" = 0 ] && break
    sleep 0.5
  done
  [ "$pending" = 0 ] || fail "$1: $pending email(s) still pending in the outbox after 60 s"
  sent="$(sql "select count(*) from outbox where status = 'sent'")"
  uncertain="$(sql "select count(*) from outbox where status = 'uncertain'")"
  python3 - "$work/mail.log" "$sent" "$uncertain" <<'EOF' || fail "$1: an email was sent twice, or an unrecorded one went out"
import collections, sys
sent, uncertain = int(sys.argv[2]), int(sys.argv[3])
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    at, message_id = line.split()[:2]
    times[message_id].append(int(at))
twice = {i: t for i, t in times.items() if len(t) > 1}
assert not twice, ("accepted twice", twice)
assert uncertain <= 16, ("more than one group of sends left uncertain", uncertain)
assert sent <= len(times) <= sent + uncertain, ("distinct messages accepted", len(times), "sent", sent, "uncertain", uncertain)
print(len(times), uncertain)
EOF
}

# ---------------------------------------------------------------- up --ha 3
note "scripts/cluster up --ha 3 on port $front_port (database ports from $ha_port)"
cluster up --ha 3 >"$work/up.out" 2>&1 || {
  cat "$work/up.out" >&2
  fail "scripts/cluster up --ha 3 failed"
}
grep -q "target_session_attrs=read-write" "$work/up.out" || fail "up --ha does not print the multi-host database URL"
cluster status >"$work/status.out" 2>&1 || fail "scripts/cluster status failed"
leader="$(leader_index)" || fail "no Patroni member is the primary"
standby=$((3 - leader))
grep -Eq "\| db$leader .*\| Leader " "$work/status.out" || fail "status does not show db$leader as the leader: $(cat "$work/status.out")"
grep -Eq "\| db$standby .*\| Sync Standby " "$work/status.out" ||
  fail "status does not show db$standby as the synchronous standby: $(cat "$work/status.out")"
[ "$(sql 'show synchronous_commit')" = on ] || fail "synchronous_commit is not on"
[ -n "$(sql 'show synchronous_standby_names')" ] || fail "the primary names no synchronous standby"
note "up: db$leader leads, db$standby is its synchronous standby, 3 engines behind HAProxy"

# ------------------------------------------- 1. kill -9 of an engine node
start_load a
sleep 4
# Read each order acknowledged so far through HAProxy: its log tells which
# node serves it; the victim is the node that serves the most.
mapfile -t early < <(awk '$4 == 201 { print $5 }' "$work/attempts")
[ "${#early[@]}" -ge 10 ] || fail "only ${#early[@]} checkouts acknowledged in the first 4 s"
for id in "${early[@]}"; do
  curl -fsS -o /dev/null --max-time 10 -H "Authorization: Bearer $admin_token" "$base/admin/api/orders/$id" ||
    fail "order $id is not readable through HAProxy"
done
sleep 0.5
read -r victim victim_orders < <(python3 - "$cluster_dir/haproxy.log" "${early[@]}" <<'EOF'
import collections, re, sys
log = open(sys.argv[1]).read().splitlines()
served = collections.defaultdict(list)
for order in sys.argv[2:]:
    for line in log:
        m = re.search(r" orders/(\S+) ", line)
        if m and "/admin/api/orders/" + order in line:
            served[m.group(1)].append(order)
            break
node = max(served, key=lambda n: len(served[n]))
print(node, ",".join(served[node]))
EOF
)
[ -n "$victim" ] || fail "HAProxy's log does not say which node served the orders"
victim_pid="$(json "[n['pid'] for n in d if n['name'] == '$victim'][0]" <"$cluster_dir/nodes.json")"
IFS=, read -r -a victim_ids <<<"$victim_orders"
note "kill -9 $victim (PID $victim_pid), which serves ${#victim_ids[@]} of the ${#early[@]} orders read, under load"
kill -9 "$victim_pid"
killed_at="$(now_ms)"
# Twenty of its orders through HAProxy, at once, again and again until each
# has answered: the time by which the last one did counts.
elapsed_ms="$(python3 - "$base" "$admin_token" "$killed_at" "$dead_node_orders_limit_ms" "${victim_ids[@]:0:20}" <<'EOF'
import concurrent.futures, sys, time, urllib.request
base, token, killed_at, limit_ms, ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
def answers(order):
    request = urllib.request.Request(base + "/admin/api/orders/" + order, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status == 200
    except Exception:
        return False
remaining = set(ids)
with concurrent.futures.ThreadPoolExecutor(len(ids)) as pool:
    while remaining:
        remaining = {o for o, ok in zip(list(remaining), pool.map(answers, list(remaining))) if not ok}
        elapsed = time.time() * 1000 - killed_at
        if remaining and elapsed > limit_ms:
            sys.exit("%d of %d orders still fail %d ms after the kill" % (len(remaining), len(ids), elapsed))
        if remaining:
            time.sleep(0.1)
print(int(elapsed))
EOF
)" || fail "the dead node's orders are not served by another node within ${dead_node_orders_limit_ms} ms"
[ "$elapsed_ms" -le "$dead_node_orders_limit_ms" ] || fail "the dead node's orders answered after ${elapsed_ms} ms"
note "$((${#victim_ids[@]} < 20 ? ${#victim_ids[@]} : 20)) of $victim's orders answer through the other nodes ${elapsed_ms} ms after the kill"
sleep 3
stop_load
acked="$(check_orders "after the engine node's kill")"
note "after the engine node's kill: $(grep -c '' "$work/attempts") attempts, $acked orders acknowledged, each stored once with its events"
mail_counts="$(check_mail "after the engine node's kill")"
read -r mailed uncertain <<<"$mail_counts"
note "mail: $mailed messages reached the SMTP server, none twice; $uncertain left uncertain for the admin (the group $victim was handing over when it died)"

# ----------------------------------------- 2. kill -9 of the PostgreSQL primary
start_load b
sleep 4
leader="$(leader_index)" || fail "no Patroni member is the primary"
patroni_pid="$(sed -n "s/^patroni_pid_db$leader=//p" "$cluster_dir/state.env")"
postmaster_pid="$(head -n 1 "$cluster_dir/ha/db$leader/data/postmaster.pid")"
if [ -z "$patroni_pid" ] || ! alive "$patroni_pid"; then fail "db$leader's Patroni is not running"; fi
mapfile -t backends < <(pgrep -P "$postmaster_pid")
note "kill -9 of the primary db$leader: Patroni $patroni_pid, postmaster $postmaster_pid and ${#backends[@]} children, under load"
kill -9 "$patroni_pid" "$postmaster_pid" "${backends[@]}"
# Taken once the signals are sent: a checkout sent in the milliseconds before
# (date forks a process) could still commit on the old primary and pass for
# one served after the failover.
killed_at="$(now_ms)"
serving_ms=
while [ -z "$serving_ms" ]; do
  serving_ms="$(awk -v k="$killed_at" '$1 > k && $4 == 201 { print $2 - k; exit }' "$work/attempts")"
  [ -n "$serving_ms" ] && break
  [ $(($(now_ms) - killed_at)) -le $((serve_again_limit_s * 1000)) ] ||
    fail "no checkout sent after the kill was acknowledged within ${serve_again_limit_s} s"
  sleep 0.2
done
[ "$serving_ms" -le $((serve_again_limit_s * 1000)) ] || fail "serving again took ${serving_ms} ms"
note "the engines serve again ${serving_ms} ms after the primary's kill -9 (the first 201 of a checkout sent after it)"
printf '%s\n' "$serving_ms" >"${CLUSTER_HA_TEST_FIGURES:-/dev/null}"
# The new primary has committed that checkout; its Patroni may take a moment
# longer to answer as the primary.
new_leader=
for _ in $(seq 50); do
  new_leader="$(leader_index)" && break
  sleep 0.2
done
[ -n "$new_leader" ] || fail "no primary after the failover"
[ "$new_leader" != "$leader" ] || fail "db$leader leads again: no failover happened"
sleep 4
stop_load
failures="$(awk -v k="$killed_at" '$1 > k && $4 != 201 { print $4, $6 }' "$work/attempts" | sort | uniq -c | tr '\n' ' ')"
note "attempts answered otherwise than 201 after the kill (retried with the same key): ${failures:-none}"
# A client that is told to come back is told so in problem+json, by the
# engine or by HAProxy while no node is up.
not_problem="$(awk '$4 != 201 && $4 != 0 && $6 != "application/problem+json"' "$work/attempts" | head -n 3)"
[ -z "$not_problem" ] || fail "error answers that are not problem+json: $not_problem"
acked="$(check_orders "after the primary's kill")"
note "after the primary's kill: $acked orders acknowledged in all, each stored once with its events, on db$new_leader"
cluster status >"$work/status.out" 2>&1 || true
grep -Eq "\| db$new_leader .*\| Leader " "$work/status.out" || fail "status does not show db$new_leader as the leader: $(cat "$work/status.out")"

# ---------------------------------------------------------------- down
pids="$(json '" ".join(str(n["pid"]) for n in d)' <"$cluster_dir/nodes.json")"
pids+=" $(sed -n 's/^\(haproxy_pid\|etcd_pid\|patroni_pid_db[0-9]\)=//p' "$cluster_dir/state.env" | tr '\n' ' ')"
pids+=" $(head -n 1 "$cluster_dir/ha/db$new_leader/data/postmaster.pid")"
cluster down >"$work/down.out" 2>&1 || {
  cat "$work/down.out" >&2
  fail "scripts/cluster down failed"
}
for pid in $pids; do
  alive "$pid" && fail "PID $pid still runs after down"
done
if pgrep -f -- "$cluster_dir/" >/dev/null; then fail "a process of the cluster still runs after down: $(pgrep -af -- "$cluster_dir/")"; fi
note "down left no process"
note "PASSED"
