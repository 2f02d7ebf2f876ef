#pragma once

// What the privacy rules read and tidy: the order behind a customer ref, the
// customers' erasure requests, the customers whose retention ran out, and
// the folding of old storefront counts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

class privacy_store {
 public:
  explicit privacy_store(connection& db);

  /// The order a customer ref belongs to (one checkout, one customer).
  std::optional<std::string> order_of_customer(const std::string& ref);

  /// Erasure requests, newest first: open ones, then done ones.
  std::vector<erasure_request_row> erasure_requests(int limit);

  /// Orders closed before `closed_before_ms` whose customer is not erased
  /// yet, oldest first, after the (closed_at, id) of the previous page's last
  /// row (0 and "" for the first page).
  std::vector<retention_candidate> orders_past_retention(std::int64_t closed_before_ms, std::int64_t after_closed_ms,
                                                         const std::string& after_id, int limit);

  /// Folds the daily storefront counts of days before `before_ms` into one
  /// row per month (its first day); returns the daily rows folded.
  std::int64_t fold_analytics_before(std::int64_t before_ms);

 private:
  connection& db_;
};

}  // namespace persistence
