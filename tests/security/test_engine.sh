# shellcheck shell=bash disable=SC2154  # fail, source_dir, admin_token, work and engine_pid are the sourcing test's
# The real engine for the shell tests of this folder (sqlmap, pgaudit,
# PostgreSQL over TLS). Sourced; the test defines fail(), source_dir,
# admin_token and work before calling.

# Runs the engine on database URL $1 and port $2 with a master key of the
# test's own (made on first use), mail to $work/mail, and any further
# VAR=VALUE settings. It execs: run it in a subshell, `(exec_test_engine …) &`,
# and $! is the engine. Our own ORDER_ENGINE_* (the binary, the test URL) are
# not settings of the engine and are left out.
exec_test_engine() {
  local url="$1" port="$2"
  shift 2
  local name _ clean=(env)
  while IFS='=' read -r name _; do
    case "$name" in ORDER_ENGINE_*) clean+=(-u "$name") ;; esac
  done < <(env)
  [ -s "$work/master.key" ] || (umask 077 && openssl rand -base64 32 >"$work/master.key")
  exec "${clean[@]}" \
    ORDER_ENGINE_DATABASE_URL="$url" \
    ORDER_ENGINE_SECURITY_MASTER_KEY_FILE="$work/master.key" \
    ORDER_ENGINE_HTTP_PORT="$port" \
    ORDER_ENGINE_ADMIN_TOKEN="$admin_token" \
    ORDER_ENGINE_CATALOG_SEED_FILE="$source_dir/config/demo-catalog.json" \
    ORDER_ENGINE_WEB_ROOT="$source_dir/web" \
    ORDER_ENGINE_MAIL_TEMPLATES_DIR="$source_dir/config/templates" \
    ORDER_ENGINE_MAIL_DROP_DIR="$work/mail" \
    ORDER_ENGINE_LOG_LEVEL=warn \
    ORDER_ENGINE_HTTP_SHUTDOWN_GRACE=1s \
    "$@" \
    "$ORDER_ENGINE_BINARY" --config "$source_dir/config/engine.toml"
}

# Waits (30 s at most) until the engine $1 answers /healthz at base URL $2;
# fails the test, with the tail of log $3, if it exits or never answers.
wait_for_test_engine() {
  local pid="$1" base="$2" log="$3"
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; fail "the engine exited during start-up"; }
    curl -fsS -o /dev/null --max-time 1 "$base/healthz" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the engine did not become healthy"
}

# Stops the engine $engine_pid if one runs (for the test's cleanup trap) and
# waits for it, so that its database can go next.
stop_test_engine() {
  if [ -n "${engine_pid:-}" ]; then
    kill -TERM "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
  fi
}
