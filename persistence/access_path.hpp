#pragma once

// Which customers a transaction may see. customers and customer_keys answer
// only the path a transaction names (row-level security, migration 008):
// the persistence code that opens a transaction touching them names the path
// it serves, for that transaction only. A connection that named none sees no
// customer. Internal to persistence; include after pq_connection.hpp.

#include <string>

#include "persistence/connection.hpp"

namespace pqxx {
class transaction_base;
}

namespace persistence::detail {

enum class customer_path {
  journal,  // the journal writer: inserts customers, reads keys to seal with, erases
  mailer,   // the mailer: customers with mail still to send, read only
  admin,    // the admin's order view, list and search: any customer, read only
  order,    // an order's recovery: the data key of that order's own customer
};

/// Declared on every connection (connection.cpp).
extern const named_statement enter_path_statement;

/// Names `path` for the rest of `txn` (set_config(..., true), so it ends with
/// the transaction and never leaks into the connection's next one).
/// `customer`: the one customer the path means (`order`), else empty.
void enter_path(pqxx::transaction_base& txn, customer_path path, const std::string& customer = {});

}  // namespace persistence::detail
