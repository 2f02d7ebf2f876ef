#include "persistence/connection.hpp"

#include <algorithm>

#include "persistence/access_path.hpp"
#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {

const named_statement ping_statement{"ping", "select 1"};

void prepare(pqxx::connection& conn, const named_statement& statement) {
  conn.prepare(statement.name, statement.text);
  conn.prepare_now(statement.name);
}

}  // namespace

void connection::impl::connect() {
  auto fresh = std::make_unique<pqxx::connection>(url);
  for (const auto* statement : declared) prepare(*fresh, *statement);
  conn = std::move(fresh);
}

void connection::impl::declare(std::initializer_list<const named_statement*> statements) {
  for (const auto* statement : statements) {
    if (std::find(declared.begin(), declared.end(), statement) != declared.end()) continue;
    run([&](pqxx::connection& c) { prepare(c, *statement); });
    declared.push_back(statement);
  }
}

connection::connection(std::string url) : impl_(std::make_unique<impl>()) {
  impl_->url = std::move(url);
  impl_->connect();
  impl_->declare({&ping_statement, &detail::enter_path_statement});
}

connection::~connection() = default;
connection::connection(connection&&) noexcept = default;
connection& connection::operator=(connection&&) noexcept = default;

bool connection::ping() {
  try {
    impl_->run([&](pqxx::connection& c) {
      pqxx::nontransaction txn{c};
      txn.exec_prepared(ping_statement.name);
    });
    return true;
  } catch (const std::exception&) {
    impl_->conn.reset();
    return false;
  }
}

}  // namespace persistence
