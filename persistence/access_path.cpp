#include "persistence/access_path.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence::detail {
namespace {

const char* name_of(customer_path path) {
  switch (path) {
    case customer_path::journal:
      return "journal";
    case customer_path::mailer:
      return "mailer";
    case customer_path::admin:
      return "admin";
    case customer_path::order:
      return "order";
  }
  return "";  // unreachable; an unknown path sees nothing
}

}  // namespace

// The names are the ones migration 008's policies compare with.
const named_statement enter_path_statement{"enter_customer_path", R"sql(
select set_config('ccc.path', $1, true), set_config('ccc.customer', $2, true)
)sql"};

void enter_path(pqxx::transaction_base& txn, customer_path path, const std::string& customer) {
  txn.exec_prepared(enter_path_statement.name, name_of(path), customer);
}

}  // namespace persistence::detail
