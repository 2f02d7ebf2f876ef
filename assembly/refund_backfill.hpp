#pragma once

// Start-up work: orders that came to owe a refund before the read model had
// refund columns (queued by migration 017) get their refund data, computed
// by the domain from their events, so the dashboard's refunds list shows
// them without waiting for their next event. Blocking, on the main thread,
// as the owner (database.url), before any actor runs.

#include <cstddef>
#include <memory>

#include "domain/follow_ups.hpp"
#include "persistence/connection.hpp"
#include "sealing/vault.hpp"

namespace assembly {

struct refund_backfill_result {
  std::size_t replayed = 0;  // orders taken off the queue
  std::size_t written = 0;   // of them, read models given refund data
};

/// Replays each queued order, writes its refund columns and view when the
/// domain says a refund was due, and takes it off the queue. Nothing to do
/// (the queue is empty) costs one query. An order whose events cannot be read
/// is logged and left queued for the next start; the others go on.
refund_backfill_result backfill_refunds(persistence::connection& db, std::shared_ptr<const sealing::vault> vault,
                                        const domain::timer_policy& timers);

}  // namespace assembly
