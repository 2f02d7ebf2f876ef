#pragma once

// The read model as the admin and the mailer read it: orders by id, by
// number and in keyset-paged lists, and the customer behind an order.

#include <optional>
#include <stdexcept>
#include <string>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

/// A cursor that list_orders did not hand out.
class invalid_cursor : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class order_reads {
 public:
  explicit order_reads(connection& db);

  std::optional<order_row> find_order(const std::string& id);
  std::optional<order_row> find_order_by_number(const std::string& number);  // exact
  /// Newest first (created_at desc, id desc), keyset paged. Throws
  /// invalid_cursor for a cursor it did not produce.
  order_page list_orders(const order_filter& filter);
  std::optional<customer_row> find_customer(const std::string& ref);

 private:
  connection& db_;
};

}  // namespace persistence
