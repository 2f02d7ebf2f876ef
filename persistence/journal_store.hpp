#pragma once

// The event journal: every decision of every order, appended in group-commit
// batches, and read back to recover an order.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "sealing/vault.hpp"

namespace persistence {

namespace detail {
struct journal_row_types;
}

class journal_store {
 public:
  /// Personal data (customers rows, the personal paths of events, views and
  /// mail) is sealed with `vault`'s keys on the way in and opened on the way out.
  /// `webhooks` tells which event types endpoints subscribe to; without it
  /// every batch asks the endpoints table.
  journal_store(connection& db, std::shared_ptr<const sealing::vault> vault,
                std::shared_ptr<const webhook_subscriptions> webhooks = nullptr);

  /// Group commit: all items in ONE transaction with a constant number of
  /// statements; outcome i belongs to items[i]. A conflict writes nothing of
  /// that item and does not hold back the others (rows it had written are
  /// rolled back with a pass that leaves it out, never deleted). Later items of an order
  /// whose earlier item in the batch conflicted conflict too (they were
  /// decided on top of it). Any other database error throws and nothing of
  /// the batch is written; if the connection breaks during COMMIT
  /// (pqxx::in_doubt_error) the batch may or may not be stored: a retry then
  /// sees `conflict` and reloads, which is the same recovery.
  /// Throws std::invalid_argument for an item that is malformed: no events,
  /// seqs not consecutive, or ids that disagree with read_model (customer.ref
  /// must be read_model.customer_ref). An order number already used by
  /// another order throws pqxx::unique_violation (numbers come from
  /// shared_state::next_order_number_block, so that is a bug, not a race).
  std::vector<append_outcome> append_batch(const std::vector<append_item>& items);

  /// An order's events, by seq, personal texts opened (null once its
  /// customer was erased).
  std::vector<stored_event> load_events(const std::string& order_id);

  /// The events of each of `order_ids`, as load_events gives them, in the
  /// order asked, from one statement (plus one key read per order holding
  /// personal texts). An id that is not a UUID, like an unknown one, has none.
  std::vector<std::vector<stored_event>> load_events_of(const std::vector<std::string>& order_ids);

 private:
  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
  std::shared_ptr<const webhook_subscriptions> webhooks_;
  // The oids of the rows' composite types, looked up at the first batch.
  std::shared_ptr<const detail::journal_row_types> row_types_;
};

}  // namespace persistence
