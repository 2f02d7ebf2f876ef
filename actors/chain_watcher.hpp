#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/chain_source.hpp"
#include "actors/interfaces.hpp"
#include "actors/payment_ledger.hpp"

namespace actors {

struct chain_watcher_options {
  std::string coin;
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds ask_timeout{5000};
};

struct chain_watcher_state {
  std::shared_ptr<chain_source> source;
  payment_ledger ledger;
  watcher_stats stats;
  int failures_in_a_row = 0;
  bool recalled = false;  // the source's recall is in the ledger
  static inline const char* name = "chain_watcher";
};

/// The one watcher loop every coin runs around its chain source
/// (actors/chain_source.hpp). Each poll: the source's reading; what left the
/// chain is taken back from its order through `registry` (withdrawn while
/// detected, reversed once counted); what the matcher has not heard (new
/// payments, new confirmations) goes to `matcher` in one batch, and the next
/// poll is scheduled once it answered. A source that cannot be reached shows
/// as down on /admin/api/system and is asked again with backoff (doubling up
/// to 30 s); the watcher never fails for it. Detached: a source blocks.
chain_watcher_actor::behavior_type chain_watcher_impl(chain_watcher_actor::stateful_pointer<chain_watcher_state> self,
                                                      chain_watcher_options options,
                                                      std::shared_ptr<chain_source> source,
                                                      payment_matcher_actor matcher, order_registry_actor registry);

/// The delay before a watcher's next poll after `failures_in_a_row` failed
/// ones: the poll interval, doubled per further failure, up to 30 s.
std::chrono::milliseconds watcher_backoff(std::chrono::milliseconds poll, int failures_in_a_row);

}  // namespace actors
