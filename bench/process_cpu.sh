# shellcheck shell=bash
# CPU used by processes, from /proc/<pid>/stat (user + system ticks), for the
# benches that split a checkout's cost between the engine and its database.
# Sourced by bench/profile_checkout and bench/run_checkout_side_by_side.

cpu_hz="$(getconf CLK_TCK)"

# cpu_ticks PID...: user + system ticks of those processes (gone ones count 0)
cpu_ticks() {
  local total=0 pid t
  for pid in "$@"; do
    t="$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  echo "$total"
}

# database_ticks DATA_DIR: the ticks of a private cluster, its postmaster and
# every backend and helper under it.
database_ticks() {
  local postmaster
  postmaster="$(head -1 "$1/postmaster.pid")"
  # shellcheck disable=SC2046
  cpu_ticks "$postmaster" $(pgrep -P "$postmaster" || true)
}

# us_per TICKS COUNT: microseconds of CPU per unit
us_per() { awk -v t="$1" -v n="$2" -v hz="$cpu_hz" 'BEGIN {if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "-"}'; }
