#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

#include "actors/interfaces.hpp"
#include "actors/order_actor.hpp"

namespace actors {

struct order_registry_options {
  std::chrono::milliseconds passivate_after{std::chrono::minutes{2}};
  std::size_t max_live = 10'000;  // more live orders than this: the least recently used are passivated
  std::chrono::milliseconds ask_timeout{5000};
  domain::timer_policy timers;
  /// Which event types some webhook endpoint wants; none given: every type.
  std::shared_ptr<const persistence::webhook_subscriptions> webhooks;
};

struct order_registry_state {
  struct entry {
    std::string id;
    order_actor handle;
    std::chrono::steady_clock::time_point last_used;
  };
  // Most recently used first: the idle and the overflow leave from the back.
  std::list<entry> by_recency;
  std::unordered_map<std::string, std::list<entry>::iterator> live;
  // The same entries by actor, for the down message of one that stopped.
  std::unordered_map<caf::actor_id, std::list<entry>::iterator> by_actor;
  registry_stats stats;
  static inline const char* name = "order_registry";

  order_registry_state() = default;
  order_registry_state(const order_registry_state&) = delete;
  order_registry_state& operator=(const order_registry_state&) = delete;
  /// The live order actors go down with the registry, whatever stopped it, so
  /// that a restarted registry never leaves a second writer for an order behind.
  ~order_registry_state();
};

/// Spawns order actors on demand (recovering them from their events), routes
/// commands to them, passivates idle ones (and the least recently used beyond
/// max_live, so that memory stays bounded however many orders are opened in a
/// while), and forgets crashed ones so that the next request recovers the
/// order afresh. One order's crash touches no other. The registry monitors
/// its order actors rather than linking to them: a link (or a monitor the
/// other way) is an entry in the registry's own list of attachments, which
/// CAF searches from the start whenever one is removed, and that list holds
/// every live order.
order_registry_actor::behavior_type order_registry_impl(
    order_registry_actor::stateful_pointer<order_registry_state> self, order_registry_options options,
    journal_actor journal, store_actor store);

}  // namespace actors
