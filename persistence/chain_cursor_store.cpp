#include "persistence/chain_cursor_store.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement cursor_of{"chain_cursor_of", "select next_block from chain_scan_cursors where coin = $1"};

// Set, not only raised: after a reorganisation the watcher goes back to the
// block where the chains forked.
const named_statement set_cursor{"chain_cursor_set", R"sql(
insert into chain_scan_cursors as c (coin, next_block, updated_at)
values ($1, $2, timestamptz 'epoch' + $3 * interval '1 millisecond')
on conflict (coin) do update set next_block = excluded.next_block, updated_at = excluded.updated_at
)sql"};

}  // namespace sql
}  // namespace

chain_cursor_store::chain_cursor_store(connection& db) : db_(db) {
  db_.native().declare({&sql::cursor_of, &sql::set_cursor});
}

std::optional<std::uint64_t> chain_cursor_store::next_block(const std::string& coin) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<std::uint64_t> {
    pqxx::nontransaction txn{conn};
    const auto rows = txn.exec_prepared(sql::cursor_of.name, coin);
    if (rows.empty()) return std::nullopt;
    return static_cast<std::uint64_t>(rows[0][0].as<std::int64_t>());
  });
}

void chain_cursor_store::advance(const std::string& coin, std::uint64_t next_block, std::int64_t at_ms) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::set_cursor.name, coin, static_cast<std::int64_t>(next_block), at_ms);
  });
}

}  // namespace persistence
