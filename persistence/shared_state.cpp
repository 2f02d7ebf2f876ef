#include "persistence/shared_state.hpp"

#include "persistence/pq_connection.hpp"
#include "sealing/key_file.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement next_order_number_block{"next_order_number_block", "select nextval('order_number_blocks')"};

// Two statements, each in its own implicit transaction: after the insert
// finds a concurrent node's row (waiting for it to commit), the select's
// fresh snapshot sees that row.
const named_statement insert_secret{"insert_secret", R"sql(
insert into engine_secrets (name, value) values ($1, $2) on conflict (name) do nothing
)sql"};

const named_statement select_secret{"select_secret", "select value from engine_secrets where name = $1"};

}  // namespace sql

}  // namespace

shared_state::shared_state(connection& db) : db_(db) {
  db_.native().declare({&sql::next_order_number_block, &sql::insert_secret, &sql::select_secret});
}

std::int64_t shared_state::next_order_number_block() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::next_order_number_block.name)[0][0].as<std::int64_t>();
  });
}

std::string shared_state::secret(const std::string& name, const std::string& candidate) {
  return db_.native().run([&](pqxx::connection& conn) {
    // nontransaction: each statement commits on its own, which the select
    // needs to see a row a concurrent node committed first.
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::insert_secret.name, name, candidate);
    return txn.exec_prepared(sql::select_secret.name, name)[0][0].as<std::string>();
  });
}

sealing::secret_key shared_state::root_key(const sealing::keyring& master) {
  const auto stored = secret(root_key_name, master.wrap(sealing::secret_key::random(), sealing::vault::root_owner));
  auto root = master.unwrap(stored, sealing::vault::root_owner);
  if (!root)
    throw sealing::key_file_error("security.master_key_file: the master key (id " + master.current_key_id() +
                                  ") does not open this database's keys, which master key " +
                                  sealing::keyring::key_id_of(stored) +
                                  " wrapped: is it the file this shop was started with?");
  return *root;
}

}  // namespace persistence
