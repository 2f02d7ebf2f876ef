# shellcheck shell=bash
# The shared reference ceiling for checkout (pgbench committing what one
# checkout must write), with the database settings scripts/lib.sh gives the
# engine's PostgreSQL. Sourced by the checkout benchmarks.
reference_ceiling_script=../shared/bench/checkout-ceiling/run

# True when the reference is on this machine.
have_reference_ceiling() { [ -x "$reference_ceiling_script" ]; }

# reference_ceiling SECONDS LEVEL...: runs it at each concurrency LEVEL;
# prints its own output, whose lines "checkout-tx c=N tps=T ..." carry the figures.
reference_ceiling() {
  local seconds="$1"
  shift
  PGOPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=256MB" \
    LEVELS="$*" "$reference_ceiling_script" "$seconds"
}
