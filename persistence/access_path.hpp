#pragma once

// Which customers a transaction may see. customers and customer_keys answer
// only the path a transaction names (row-level security, migration 008):
// the persistence code that opens a transaction touching them names the path
// it serves, for that transaction only. A connection that named none sees no
// customer. Internal to persistence; include after pq_connection.hpp.

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/connection.hpp"

namespace pqxx {
class transaction_base;
}

namespace persistence::detail {

enum class customer_path {
  journal,  // the journal writer: inserts customers, reads keys to seal with, erases
  mailer,   // the mailer: the customers of the pending mail it names, read only
  admin,    // the admin's order view, list and search: any customer, read only
  order,    // an order's recovery: the data key of that order's own customer
  webhook,  // the webhook sender: the customers of the opted-in deliveries it names, read only
};

/// Declared on every connection (connection.cpp).
extern const named_statement enter_path_statement;

/// "begin", then `path` named as enter_path names it, as one simple query
/// (batch_transaction.hpp): the names are constants, never client input.
std::string begin_on_path(customer_path path);

/// Names `path` for the rest of `txn` (set_config(..., true), so it ends with
/// the transaction and never leaks into the connection's next one).
void enter_path(pqxx::transaction_base& txn, customer_path path);
/// The `order` path for the order whose customer is `customer` (a ref).
void enter_order_path(pqxx::transaction_base& txn, const std::string& customer);
/// The `mailer` path for the messages `mail` (outbox ids): their customers,
/// while the messages are pending.
void enter_mailer_path(pqxx::transaction_base& txn, const std::vector<std::int64_t>& mail);
/// The `webhook` path for the deliveries `deliveries` (webhook ids): their
/// orders' customers, while they are pending to an endpoint that opted in
/// to personal data (migration 018).
void enter_webhook_path(pqxx::transaction_base& txn, const std::vector<std::string>& deliveries);

}  // namespace persistence::detail
