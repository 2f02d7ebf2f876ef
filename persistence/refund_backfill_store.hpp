#pragma once

// The queue of orders that may owe a refund from before the read model had
// refund columns (migration 017), and the write that gives each its refund
// data. Used once, at start-up, by assembly/refund_backfill.

#include <memory>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace persistence {

class refund_backfill_store {
 public:
  /// The view's personal texts are sealed with `vault`'s keys, as the journal does.
  refund_backfill_store(connection& db, std::shared_ptr<const sealing::vault> vault);

  /// Up to `limit` queued order ids after `after` (empty: from the first), in id order.
  std::vector<std::string> queued(const std::string& after, int limit);

  /// Writes the refund columns and the view of `row` over the order's read
  /// model and takes the order off the queue, in one transaction. Only while
  /// the row is still at row.version: an order that got an event meanwhile
  /// had its refund data written by the journal already. True when written.
  bool write_refund(const order_row& row);

  /// Takes the order off the queue, its read model untouched.
  void done(const std::string& order_id);

 private:
  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
};

}  // namespace persistence
