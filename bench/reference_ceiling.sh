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
  local options=() setting
  for setting in "${CCC_PG_SETTINGS[@]}"; do options+=(-c "$setting"); done
  PGOPTS="${options[*]}" LEVELS="$*" "$reference_ceiling_script" "$seconds"
}
