#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <string>
#include <unordered_map>

#include "actors/interfaces.hpp"
#include "actors/order_actor.hpp"

namespace actors {

struct order_registry_options {
  std::chrono::milliseconds passivate_after{std::chrono::minutes{2}};
  std::chrono::milliseconds ask_timeout{5000};
  domain::timer_policy timers;
};

struct order_registry_state {
  struct entry {
    order_actor handle;
    std::chrono::steady_clock::time_point last_used;
  };
  std::unordered_map<std::string, entry> live;
  registry_stats stats;
  static inline const char* name = "order_registry";
};

/// Spawns order actors on demand (recovering them from their events), routes
/// commands to them, passivates idle ones, and forgets crashed ones so that the
/// next request recovers the order afresh. One order's crash touches no other.
order_registry_actor::behavior_type order_registry_impl(
    order_registry_actor::stateful_pointer<order_registry_state> self, order_registry_options options,
    journal_actor journal, store_actor store);

}  // namespace actors
