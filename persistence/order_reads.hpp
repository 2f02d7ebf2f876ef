#pragma once

// The read model as the admin and the mailer read it: orders by id, by
// number and in keyset-paged lists, and the customer behind an order.

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"
#include "sealing/vault.hpp"

namespace pqxx {
class row;
class transaction_base;
}  // namespace pqxx

namespace persistence {

/// A cursor that list_orders did not hand out.
class invalid_cursor : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Whom an order_reads reads customers for (the row-level security path of
/// its transactions, persistence/access_path.hpp).
enum class customer_reader {
  admin,   // the back office: any customer
  mailer,  // the mailer: only the customer of the pending mail it names (find_for_mail)
};

struct order_with_customer {
  order_row order;
  std::optional<customer_row> customer;
};

class order_reads {
 public:
  /// Opens the sealed customers rows and view texts with `vault`'s keys, as
  /// far as `reader` may see them (others read as absent or erased).
  order_reads(connection& db, std::shared_ptr<const sealing::vault> vault, customer_reader reader);

  std::optional<order_row> find_order(const std::string& id);
  std::optional<order_row> find_order_by_number(const std::string& number);  // exact
  /// Newest first (created_at desc, id desc), keyset paged. Throws
  /// invalid_cursor for a cursor it did not produce. The rows' view_json is
  /// as stored (its personal texts sealed): a list shows columns only.
  order_page list_orders(const order_filter& filter);
  /// Orders whose refund_state is one of `states` ("due", "requested",
  /// "refunded"), newest first, paged as list_orders (page_of's cursor and
  /// limit only), each row with its refund columns; view_json as stored.
  order_page list_refunds(const std::vector<std::string>& states, const order_filter& page_of);
  /// In the clear, or `erased` with empty fields.
  std::optional<customer_row> find_customer(const std::string& ref);
  /// What the emails `mail` are made of: their orders, each with its
  /// customer, by order id, in one transaction and one statement. The
  /// mailer sees a customer only while an email of `mail` to them is
  /// pending (absent otherwise); an order that does not exist is left out.
  std::map<std::string, order_with_customer> find_for_mail(const std::vector<outbox_entry>& mail);

 private:
  std::optional<customer_row> read_customer(pqxx::transaction_base& txn, const std::string& ref);
  /// The columns of find_customer, from `first` on (absent: no row seen).
  std::optional<customer_row> customer_from(const pqxx::row& row, int first);
  order_row opened(pqxx::transaction_base& txn, order_row order);
  /// Runs `read` in a read-only transaction on this reader's path (the
  /// mailer's names `mail`).
  template <class F>
  auto on_path(F read, const std::vector<std::int64_t>& mail = {});

  connection& db_;
  std::shared_ptr<const sealing::vault> vault_;
  customer_reader reader_;
};

}  // namespace persistence
