#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "persistence/connection.hpp"
#include "persistence/payment_store.hpp"

namespace actors {

struct payment_matcher_options {
  std::string database_url;
  std::map<std::string, domain::matching_policy> policies;  // by coin code
  int tolerance_bp = 0;                                     // payments.tolerance_percent x 100
  std::chrono::milliseconds ask_timeout{5000};
};

struct payment_matcher_state {
  /// Its own connection: this actor is detached.
  struct session {
    explicit session(const std::string& url) : db(url) {}
    persistence::connection db;
    persistence::payment_store payments{db};
  };
  std::unique_ptr<session> store;
  matcher_stats stats;
  static inline const char* name = "payment_matcher";
};

/// The one door for incoming payments. A batch is
/// matched against the read model in two round trips (what was counted
/// before, which orders could be meant), each payment goes through
/// domain::match_payment, and then
///  - a match or a detection becomes a record_payment command for its order,
///    which re-checks it against its own state and journals the result;
///  - an exception (or an order that refused) is counted and listed for the
///    admin, in one transaction.
/// Batches are handled one at a time (the replies are awaited), so a tx id
/// seen in two batches is counted once.
payment_matcher_actor::behavior_type payment_matcher_impl(
    payment_matcher_actor::stateful_pointer<payment_matcher_state> self, payment_matcher_options options,
    order_registry_actor registry);

}  // namespace actors
