#pragma once

// The libpqxx side of persistence::connection, for the repositories' sources
// only (never include it from a header).
//
// Conventions of every statement:
// - Timestamps cross the wire as int64 milliseconds since the epoch:
//   in:  timestamptz 'epoch' + ms * interval '1 millisecond'   (exact, no float)
//   out: floor(extract(epoch from ts) * 1000)::bigint          (numeric in PG 14+, exact)
// - Batches cross the wire as ONE json array parameter per table, unpacked
//   with json_to_recordset, so a batch of any size costs the same number of
//   round trips. `json`, not `jsonb`: the array is read once, so building a
//   jsonb tree for it would be wasted work. Embedded documents (payload,
//   view, shipping) travel as JSON strings and are cast ::json by the
//   statement, which validates them (see json_rows.hpp); they are stored
//   as written, as `json` (migration 026).
// - Multi-row writes insert in key order (ORDER BY the conflict key). Two
//   batches touching the same keys then wait for each other in the same
//   order and never deadlock; they see a conflict instead.

#include <pqxx/pqxx>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "persistence/connection.hpp"

namespace persistence {

struct connection::impl {
  std::string url;
  std::unique_ptr<pqxx::connection> conn;
  std::vector<const named_statement*> declared;

  /// Prepares `statements` on this connection now and after every reconnect.
  void declare(std::initializer_list<const named_statement*> statements);

  /// Runs `f` on the live connection. A lost connection is replaced on the
  /// next call rather than repaired in place: a fresh one comes with freshly
  /// prepared statements.
  template <class F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    try {
      return f(live());
    } catch (const pqxx::broken_connection&) {
      conn.reset();
      throw;
    } catch (const pqxx::in_doubt_error&) {
      conn.reset();
      throw;
    } catch (...) {
      if (conn && !conn->is_open()) conn.reset();
      throw;
    }
  }

  pqxx::connection& live() {
    if (!conn) connect();
    return *conn;
  }

  void connect();
};

inline std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string{} : field.as<std::string>();
}

inline std::int64_t int_or_zero(const pqxx::field& field) {
  return field.is_null() ? 0 : field.as<std::int64_t>();
}

}  // namespace persistence
