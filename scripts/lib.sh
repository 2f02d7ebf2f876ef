# shellcheck shell=bash
# Functions shared by scripts/run and scripts/test. Source it, do not run it:
#   . scripts/lib.sh

CCC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the build, the tests and the run script need. Add to this list
# (CCC_DEPENDENCIES+=(pkg)) rather than installing things elsewhere.
CCC_DEPENDENCIES=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libboost-dev libboost-system-dev libpqxx-dev libspdlog-dev
  nlohmann-json3-dev libtomlplusplus-dev libgtest-dev libgmock-dev libssl-dev
  postgresql postgresql-contrib postgresql-15-pgaudit curl openssl
  libcurl4-openssl-dev libmstch-dev python3-aiosmtpd
  libqrencode-dev monero zbar-tools librsvg2-bin
  libsodium-dev liboath-dev oathtool libjemalloc-dev
  libsecp256k1-dev libbotan-2-dev python3-electrum python3-pycryptodome
  nodejs chromium sqlmap
  haproxy socat
)

CCC_PG_BIN=/usr/lib/postgresql/15/bin
CCC_PG_PORT=5432
# A unix socket path is limited to 107 bytes; ".s.PGSQL.5432" and headroom take the rest.
CCC_PG_SOCKET_DIR_MAX=90
# The engine's database settings: pg_start writes them for the engine's
# cluster, and bench/reference_ceiling.sh passes the same to the reference
# ceiling's, so that the two are measured alike.
CCC_PG_SETTINGS=(
  fsync=on
  synchronous_commit=on
  full_page_writes=on
  shared_buffers=256MB
  max_connections=200
)

ccc_log() { printf '%s\n' "$*" >&2; }

# A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

ccc_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# What `scripts/cluster up --ha` needs on top: PostgreSQL under Patroni, with
# etcd as its store of who leads (docs/OPERATIONS.md, "A database that fails over").
# shellcheck disable=SC2034  # used by scripts/cluster
CCC_HA_DEPENDENCIES=(patroni etcd-server etcd-client)

# Installs whatever in CCC_DEPENDENCIES is missing; does nothing (and needs no
# network) when everything is there.
ensure_deps() {
  ensure_packages "${CCC_DEPENDENCIES[@]}"
}

# ensure_packages PKG...: installs those of the Debian packages that are missing.
ensure_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" != installed ]; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  ccc_log "installing: ${missing[*]}"
  ccc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ccc_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The browser tests need npm. NodeSource's nodejs package carries it; Debian's
# own nodejs does not, and Debian's npm package conflicts with NodeSource's.
ensure_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  ccc_log "installing: npm"
  ccc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
}

# The Ether and USDC e2e tests run a real local chain: anvil and solc-js from
# npm, installed from tests/support/eth/package-lock.json (the same versions
# everywhere; npm's cache makes later installs offline). Again only when the
# lock file names another anvil than the one installed.
ensure_eth_tools() {
  ensure_npm
  local dir="$CCC_ROOT/tests/support/eth"
  if [ -f "$dir/node_modules/@foundry-rs/anvil/package.json" ] &&
    [ "$(cd "$dir" && node -p 'require("./node_modules/@foundry-rs/anvil/package.json").version')" = \
      "$(cd "$dir" && node -p 'require("./package-lock.json").packages["node_modules/@foundry-rs/anvil"].version')" ]; then
    return 0
  fi
  ccc_log "installing: anvil and solc-js (tests/support/eth)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# build_engine [build_type] [target...]
# Configures $CCC_BUILD_DIR (default build/) with Ninja and ccache and builds the
# targets (default: all). Quiet unless something fails. $CCC_CMAKE_ARGS (words)
# goes to cmake as well, e.g. "-DCCC_SANITIZE=ON" for an instrumented build.
build_engine() {
  local build_type="${1:-Release}"
  if [ "$#" -gt 0 ]; then
    shift
  fi
  local build_dir="${CCC_BUILD_DIR:-$CCC_ROOT/build}"
  local launcher=() extra=()
  # shellcheck disable=SC2206  # words on purpose
  extra=(${CCC_CMAKE_ARGS:-})
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # Precompiled headers (CMakeLists.txt) are cacheable when ccache may ignore
  # their timestamps and __TIME__.
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
  local log
  log="$(mktemp)"
  if ! cmake -S "$CCC_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
      "${launcher[@]}" "${extra[@]}" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  ninja -C "$build_dir" --quiet "$@"
}

# ---------------------------------------------------------------- PostgreSQL

# PostgreSQL refuses to run as root; as root the server runs as `postgres`.
ccc_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Runs a server-side command as the server's user, from a directory it can read.
ccc_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# The server's user must be able to traverse every parent of its directories.
ccc_pg_make_traversable() {
  local dir="$1"
  [ "$(id -u)" -eq 0 ] || return 0
  while [ "$dir" != / ]; do
    dir="$(dirname "$dir")"
    if [ $((8#$(stat -c %a "$dir") & 1)) -eq 0 ]; then
      chmod o+x "$dir"
    fi
  done
}

# A directory the server owns, mode 700 (trust auth: whoever reaches the socket is superuser).
ccc_pg_own_dir() {
  local dir="$1" user
  user="$(ccc_pg_user)"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$user:" "$dir"
  elif [ "$(stat -c %U "$dir")" != "$user" ]; then
    ccc_log "pg: $dir belongs to $(stat -c %U "$dir"), not to $user"
    return 1
  fi
  chmod 700 "$dir"
}

ccc_urlencode() {
  local s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9/._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# Makes FILE a new master key (32 random bytes in base64, mode 0600) unless it
# exists already: the key that seals the shop's personal data
# (security.master_key_file). Prints FILE.
new_master_key() {
  local file="$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077 && openssl rand -base64 32 >"$file.new" && mv "$file.new" "$file")
  fi
  chmod 600 "$file"
  printf '%s\n' "$file"
}

# pg_start [--audit] <data_dir> <socket_dir> [database]
# Starts (initialising it the first time) a private PostgreSQL 15 on a unix socket
# only, creates `database` (default ccc) if missing, exports CCC_PG_URL (libpq URL
# of that database) and CCC_PG_SOCKET_DIR, and prints the URL. Already running: reused.
# --audit loads pgaudit: every read and write of customers and customer_keys goes
# to <data_dir>/server.log as an AUDIT line naming the role (docs/SECURITY.md).
pg_start() {
  local audit=0
  if [ "${1:-}" = --audit ]; then
    audit=1
    shift
  fi
  local data_dir="$1" socket_dir="$2" database="${3:-ccc}"
  mkdir -p "$data_dir" "$socket_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  socket_dir="$(cd "$socket_dir" && pwd)"
  if [ "${#socket_dir}" -gt "$CCC_PG_SOCKET_DIR_MAX" ]; then
    rmdir "$socket_dir" 2>/dev/null || true
    socket_dir="/tmp/ccc-pg-$(printf '%s' "$data_dir" | sha256sum | cut -c1-16)"
  fi

  ccc_pg_make_traversable "$data_dir"
  ccc_pg_make_traversable "$socket_dir"
  ccc_pg_own_dir "$data_dir"
  ccc_pg_own_dir "$socket_dir"

  if [ ! -f "$data_dir/PG_VERSION" ]; then
    if [ -n "$(ls -A "$data_dir")" ]; then
      ccc_log "pg: $data_dir is neither empty nor a PostgreSQL data directory"
      return 1
    fi
    local log
    log="$(mktemp)"
    if ! ccc_pg_as_owner "$CCC_PG_BIN/initdb" -D "$data_dir" --auth=trust -U postgres \
        --encoding=UTF8 --locale=C >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
  fi

  # Our settings live in their own file, rewritten on every start, so that a moved
  # socket directory or a changed setting never needs a hand edit of postgresql.conf.
  if ! grep -q "^include_if_exists = 'ccc.conf'" "$data_dir/postgresql.conf"; then
    printf "\ninclude_if_exists = 'ccc.conf'\n" >>"$data_dir/postgresql.conf"
  fi
  cat >"$data_dir/ccc.conf" <<EOF
# Written by scripts/lib.sh pg_start on every start; edits are lost.
listen_addresses = ''
unix_socket_directories = '$socket_dir'
port = $CCC_PG_PORT
EOF
  local setting
  for setting in "${CCC_PG_SETTINGS[@]}"; do
    printf '%s = %s\n' "${setting%%=*}" "${setting#*=}" >>"$data_dir/ccc.conf"
  done
  if [ "$audit" -eq 1 ]; then
    # Object audit only (pgaudit.role): the grants of ccc_auditor (migration
    # 008) choose what is logged, SELECT as READ and INSERT/UPDATE/DELETE as
    # WRITE on the customers' two tables. Session audit (pgaudit.log) stays
    # off: its 'read, write' classes would log every table the engine touches.
    # No parameters in the log: they carry sealed personal data; who, when,
    # which table and which statement are what a review needs.
    cat >>"$data_dir/ccc.conf" <<'EOF'
shared_preload_libraries = 'pgaudit'
pgaudit.role = 'ccc_auditor'
pgaudit.log = 'none'
pgaudit.log_relation = on
pgaudit.log_parameter = off
# Who (user@database) on every line, so that an AUDIT line names its role.
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$data_dir/ccc.conf"
  fi

  # Reuse a server that answers; start one when none runs. In between are the
  # moments after a kill -9: the dead postmaster can linger as a zombie until it
  # is reaped, and its orphaned backends can hold the old shared memory, so the
  # start is retried for a while.
  local attempt
  for attempt in $(seq 30); do
    if "$CCC_PG_BIN/pg_isready" -q -h "$socket_dir" -p "$CCC_PG_PORT" -U postgres -d postgres; then
      break
    fi
    if ! ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$data_dir" status >/dev/null 2>&1 &&
      ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" \
        -w -t 60 start >/dev/null 2>&1; then
      break
    fi
    if [ "$attempt" -eq 30 ]; then
      ccc_log "pg: no server answers on $socket_dir for $data_dir; the end of $data_dir/server.log:"
      tail -n 20 "$data_dir/server.log" >&2 || true
      return 1
    fi
    sleep 1
  done

  local psql=("$CCC_PG_BIN/psql" -h "$socket_dir" -p "$CCC_PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1)
  # A server started earlier without pgaudit (say, one that outlived a kill -9
  # of an older scripts/run) loads it only when it starts again.
  if [ "$audit" -eq 1 ] && ! "${psql[@]}" -d postgres -tA -c 'show shared_preload_libraries' | grep -qw pgaudit; then
    ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -m fast -w -t 60 restart >/dev/null
  fi
  if [ -z "$("${psql[@]}" -d postgres -tA -v "name=$database" \
      <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")" ]; then
    "$CCC_PG_BIN/createdb" -h "$socket_dir" -p "$CCC_PG_PORT" -U postgres "$database"
  fi

  export CCC_PG_SOCKET_DIR="$socket_dir"
  export CCC_PG_URL
  CCC_PG_URL="postgresql://postgres@/$(ccc_urlencode "$database")?host=$(ccc_urlencode "$socket_dir")&port=$CCC_PG_PORT"
  printf '%s\n' "$CCC_PG_URL"
}

# pg_stop <data_dir>: fast shutdown (rolls back open transactions); no-op when not running.
pg_stop() {
  local data_dir="$1"
  [ -f "$data_dir/PG_VERSION" ] || return 0
  data_dir="$(cd "$data_dir" && pwd)"
  if ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    ccc_pg_as_owner "$CCC_PG_BIN/pg_ctl" -D "$data_dir" -m fast -w -t 60 stop >/dev/null
  fi
}

# toml_value <file> <section> <key>: the value of a simple `key = value` line of
# a section (quotes removed), for the few settings the scripts need to know.
toml_value() {
  awk -v section="[$2]" -v key="$3" '
    /^[[:space:]]*\[/ { gsub(/[[:space:]]/, ""); current = $0; next }
    current == section {
      line = $0
      sub(/^[[:space:]]*/, "", line)
      if (index(line, key) != 1) next
      rest = substr(line, length(key) + 1)
      if (rest !~ /^[[:space:]]*=/) next
      sub(/^[[:space:]]*=[[:space:]]*/, "", rest)
      if (rest ~ /^"/) { sub(/^"/, "", rest); sub(/".*$/, "", rest) }
      else { sub(/[[:space:]]*(#.*)?$/, "", rest) }
      print rest
      exit
    }
  ' "$1"
}
