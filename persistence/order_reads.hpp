#pragma once

// The read model as the admin and the mailer read it: orders by id, by
// number and in keyset-paged lists, and the customer behind an order.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace pqxx {
class transaction_base;
}

namespace persistence {

/// A cursor that list_orders did not hand out.
class invalid_cursor : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class order_reads {
 public:
  /// Opens the sealed customers rows and view texts with `vault`'s keys.
  order_reads(connection& db, std::shared_ptr<const sealing::vault> vault);

  std::optional<order_row> find_order(const std::string& id);
  std::optional<order_row> find_order_by_number(const std::string& number);  // exact
  /// Newest first (created_at desc, id desc), keyset paged. Throws
  /// invalid_cursor for a cursor it did not produce. The rows' view_json is
  /// as stored (its personal texts sealed): a list shows columns only.
  order_page list_orders(const order_filter& filter);
  /// In the clear, or `erased` with empty fields.
  std::optional<customer_row> find_customer(const std::string& ref);

 private:
  order_row opened(pqxx::transaction_base& txn, order_row order);

  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
};

}  // namespace persistence
