#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/interfaces.hpp"
#include "chains/esplora_client.hpp"
#include "persistence/connection.hpp"
#include "persistence/receiving_address_store.hpp"

namespace actors {

struct bitcoin_watcher_options {
  std::string coin = "BTC";
  chains::esplora_endpoint esplora;
  int confirmations_required = 2;
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds ask_timeout{5000};
  std::string database_url;     // where the orders' addresses are read
  int max_addresses = 10000;    // watched at once, the newest pending orders first
};

/// What the watcher last told the matcher about one payment (a transaction to one address).
struct told_payment {
  std::uint64_t confirmations = 0;
  bool settled = false;  // counted (or an exception): nothing more to tell
  std::string txid;      // as the matcher was told it
  std::string address;
  std::optional<domain::order_id> order;  // while it awaits confirmations: the order it was tied to
};

struct bitcoin_watcher_state {
  struct session {
    explicit session(const std::string& url) : db(url), addresses(db) {}
    persistence::connection db;
    persistence::receiving_address_store addresses;
  };
  std::unique_ptr<chains::esplora_client> esplora;
  std::unique_ptr<session> store;             // connected on first use, again after a failure
  watcher_stats stats;
  std::map<std::string, told_payment> told;   // by txid + "/" + address
  int failures_in_a_row = 0;
  static inline const char* name = "bitcoin_watcher";
};

/// Watches the Bitcoin addresses of pending orders (each order's own, derived
/// from the shop's account key) through an Esplora API. Each poll: the tip's
/// height, then each address's transactions; a payment that is new or has new
/// confirmations (tip - block height + 1) goes to the matcher. A source that
/// cannot be reached is shown on /admin/api/system and asked again with
/// backoff; the watcher never fails for it. A payment told as detected that
/// vanishes before it counts (replaced by fee, or dropped: the API no longer
/// knows the transaction) is withdrawn from its order through `registry`.
/// Detached: every call blocks.
chain_watcher_actor::behavior_type bitcoin_watcher_impl(chain_watcher_actor::stateful_pointer<bitcoin_watcher_state> self,
                                                        bitcoin_watcher_options options, payment_matcher_actor matcher,
                                                        order_registry_actor registry);

}  // namespace actors
