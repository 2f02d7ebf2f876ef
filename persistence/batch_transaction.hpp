#pragma once

// A READ COMMITTED transaction whose BEGIN travels with its first words to the
// server. pqxx::work sends BEGIN alone, a round trip of its own, and then the
// access path another: for the journal, two of a batch's six round trips
// (docs/PERFORMANCE.md, "Fewer statements per batch"). Here the opening text
// ("begin; select set_config(...)") goes as one simple query. pqxx sees an
// autocommit session (pqxx::nontransaction); this object alone knows that a
// transaction block is open, and rolls it back unless it was committed, also
// when an exception leaves the scope. Internal to persistence.

#include <string>

#include "persistence/pq_connection.hpp"

namespace persistence::detail {

class batch_transaction {
 public:
  /// Sends `opening`, which must begin with "begin".
  batch_transaction(pqxx::connection& conn, const std::string& opening) : txn_(conn) {
    txn_.exec(opening);
    open_ = true;
  }
  ~batch_transaction() {
    if (!open_) return;
    try {
      txn_.exec("rollback");
    } catch (...) {
      // The connection is gone: so is the transaction; the next call reconnects.
    }
  }
  batch_transaction(const batch_transaction&) = delete;
  batch_transaction& operator=(const batch_transaction&) = delete;

  /// For the statements: every one of them runs inside the open block.
  pqxx::transaction_base& statements() { return txn_; }

  void commit() {
    open_ = false;
    txn_.exec("commit");
  }
  void rollback() {
    open_ = false;
    txn_.exec("rollback");
  }

 private:
  pqxx::nontransaction txn_;
  bool open_ = false;
};

}  // namespace persistence::detail
