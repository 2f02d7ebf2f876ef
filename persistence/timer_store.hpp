#pragma once

// Durable timers: written with the decision that sets them (journal_store),
// claimed here when due and released once delivered.

#include <chrono>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

class timer_store {
 public:
  explicit timer_store(connection& db);

  /// Claims up to `limit` due timers that no live lease holds, leasing them
  /// for `lease`; FOR UPDATE SKIP LOCKED lets several nodes claim side by side
  /// without waiting for each other.
  std::vector<due_timer> claim_due_timers(int limit, std::chrono::milliseconds lease);
  /// Deletes delivered timers, except any set again meanwhile (its due time
  /// moved). A timer whose decision committed is gone already; this removes
  /// the ones that turned out moot. One statement for the whole batch.
  void release_timers(const std::vector<due_timer>& timers);

 private:
  connection& db_;
};

}  // namespace persistence
