#pragma once

// One PostgreSQL connection, shared by the repositories built on it
// (journal_store, order_reads, ...). Each repository declares its own named
// prepared statements, written beside it; the connection prepares them at
// once (a statement PostgreSQL rejects fails at start-up, not on the first
// order) and again after it reconnects. libpqxx stays out of this header:
// the repositories' sources reach it through persistence/pq_connection.hpp.
//
// NOT thread-safe: one detached actor uses a connection and its repositories
// at a time. Database errors surface as pqxx exceptions; after a lost
// connection the next call connects again, to whichever host of a multi-host
// URL takes writes (target_session_attrs=read-write: the new primary after a
// failover). A connect that fails makes every connection of the process to
// that URL pause before the next attempt (100 ms doubling to 1 s), failing
// fast meanwhile.

#include <memory>
#include <string>

namespace persistence {

struct named_statement {
  const char* name;
  const char* text;
};

class connection {
 public:
  /// Connects; throws when it cannot.
  explicit connection(std::string url);
  ~connection();
  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// SELECT 1. False on failure; the next call reconnects.
  bool ping();

  struct impl;  // persistence/pq_connection.hpp
  impl& native() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace persistence
