#include "assembly/refund_backfill.hpp"

#include <spdlog/spdlog.h>

#include "actors/order_records.hpp"
#include "persistence/journal_store.hpp"
#include "persistence/refund_backfill_store.hpp"

namespace assembly {

refund_backfill_result backfill_refunds(persistence::connection& db, std::shared_ptr<const sealing::vault> vault,
                                        const domain::timer_policy& timers) {
  persistence::journal_store journal{db, vault};
  persistence::refund_backfill_store queue{db, vault};
  refund_backfill_result result;
  constexpr int page = 500;
  std::string after;
  for (;;) {
    const auto ids = queue.queued(after, page);
    if (ids.empty()) break;
    after = ids.back();
    for (const auto& id : ids) {
      domain::order order;
      try {
        order = actors::recover(journal.load_events(id));
      } catch (const std::exception& e) {
        spdlog::error("refunds: order {} stays queued for its refund data, its events do not replay: {}", id, e.what());
        continue;
      }
      ++result.replayed;
      if (!order.refund_progress()) {
        queue.done(id);
        continue;
      }
      // The read model exactly as the order's next event would write it.
      const auto row = actors::make_append_item(order, {}, order, order.updated_at, timers).read_model;
      if (queue.write_refund(row)) ++result.written;
    }
  }
  if (result.replayed > 0)
    spdlog::info("refunds: {} order(s) from before refunds were tracked replayed, {} owe(d) a refund", result.replayed,
                 result.written);
  return result;
}

}  // namespace assembly
