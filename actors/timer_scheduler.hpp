#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>

#include "actors/interfaces.hpp"

namespace actors {

struct timer_scheduler_options {
  std::chrono::milliseconds poll_interval{1000};
  int batch = 2000;
  std::chrono::milliseconds lease{60000};
  std::chrono::milliseconds ask_timeout{5000};
};

struct timer_scheduler_state {
  timer_stats stats;
  bool claiming = false;
  /// Claimed batches whose orders have not all answered yet.
  int batches_in_flight = 0;
  static inline const char* name = "timer_scheduler";
};

/// Claims due timers from the database (leased, so several nodes share the
/// work and a lost delivery is retried when the lease runs out) and delivers
/// each to its order as a `fire_timer` command through the registry, which
/// recovers a passivated order first. The order decides whether the timer
/// still matters; once it has answered, the timer row is released.
/// A full batch means more are probably due: the next batch is claimed while
/// this one is delivered (two at most in flight), so that the orders never
/// wait for a claim and a claim never waits for a batch's slowest order.
timer_scheduler_actor::behavior_type timer_scheduler_impl(
    timer_scheduler_actor::stateful_pointer<timer_scheduler_state> self, timer_scheduler_options options,
    store_actor store, order_registry_actor registry);

}  // namespace actors
