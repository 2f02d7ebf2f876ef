#pragma once

#include <caf/stateful_actor.hpp>

#include <memory>

#include "actors/interfaces.hpp"
#include "domain/follow_ups.hpp"

namespace persistence {
class webhook_subscriptions;
}

namespace actors {

struct order_state {
  domain::order order;
  // False after an append whose outcome is unknown (timeout, lost
  // connection): the next command reloads the order from its events first.
  bool in_sync = false;
  static inline const char* name = "order";
};

struct order_actor_options {
  // Skip the initial load: the order was just created by a checkout. If it did
  // exist after all, the append conflicts and the actor reloads (single writer per order).
  bool assume_new = false;
  std::chrono::milliseconds ask_timeout{5000};
  domain::timer_policy timers;
  /// Which event types some webhook endpoint wants: the payloads of the others
  /// are not built. None given: every type.
  std::shared_ptr<const persistence::webhook_subscriptions> webhooks;
};

order_actor::behavior_type order_actor_impl(order_actor::stateful_pointer<order_state> self, domain::order_id id,
                                            order_actor_options options, journal_actor journal, store_actor store);

}  // namespace actors
