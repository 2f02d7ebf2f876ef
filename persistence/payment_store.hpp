#pragma once

// Incoming payments: each (coin, txid) counted once, for an order (written by
// journal_store with the order's decision) or as an exception for the admin
// (written here).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

class payment_store {
 public:
  explicit payment_store(connection& db);

  /// Of `keys`, those counted before (for an order or as an exception).
  std::vector<payment_key> counted_payments(const std::vector<payment_key>& keys);
  /// Every order each lookup might be for, in one round trip.
  std::vector<payment_candidate_row> payment_candidates(const std::vector<payment_lookup>& lookups);
  /// Counts each payment and lists it as an open exception, in one transaction.
  /// The id of each row's exception, or 0 when its (coin, txid) was counted meanwhile.
  std::vector<std::int64_t> record_exceptions(const std::vector<exception_row>& rows);
  /// The coin's payments a chain watcher counted for an order at or after
  /// `since_ms`, newest first, at most `limit`.
  std::vector<counted_payment_row> recent_watcher_payments(const std::string& coin, std::int64_t since_ms, int limit);
  std::vector<exception_row> list_exceptions(const std::string& status, int limit);
  std::optional<exception_row> find_exception(std::int64_t id);
  /// Closes an open exception (resolved or dismissed); false if it is not open.
  bool close_exception(std::int64_t id, const std::string& status, const std::string& order_id,
                       const std::string& resolution, const std::string& by, std::int64_t at_ms);

 private:
  connection& db_;
};

}  // namespace persistence
