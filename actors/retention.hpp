#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>

#include "actors/interfaces.hpp"

namespace actors {

struct retention_options {
  std::chrono::milliseconds retain_customer_data_for{std::chrono::hours{24 * 365}};
  std::chrono::milliseconds interval{std::chrono::hours{24}};
  std::chrono::milliseconds retain_analytics_for{std::chrono::hours{24 * 90}};
  std::chrono::milliseconds ask_timeout{5000};
  int page = 200;  // orders asked to erase at once
};

struct retention_state {
  retention_stats stats;
  bool running = false;
  static inline const char* name = "retention";
};

/// The retention policy, at start-up and then every `interval`: every order
/// that closed more than `retain_customer_data_for` ago has its customer
/// erased (erase_personal_data by the system, through its order, which keeps
/// an order owing money until it is settled); the storefront's daily counts
/// older than `retain_analytics_for` are folded into months. A run that is
/// cut short (database or an order away) leaves the rest to the next run:
/// each step is idempotent.
retention_actor::behavior_type retention_impl(retention_actor::stateful_pointer<retention_state> self,
                                              retention_options options, store_actor store,
                                              order_registry_actor registry);

}  // namespace actors
