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

void set_path(pqxx::transaction_base& txn, customer_path path, const std::string& customer, const std::string& mail) {
  txn.exec_prepared(enter_path_statement.name, name_of(path), customer, mail);
}

}  // namespace

// The names are the ones the policies of migrations 008 and 011 compare with.
const named_statement enter_path_statement{"enter_customer_path", R"sql(
select set_config('ccc.path', $1, true), set_config('ccc.customer', $2, true), set_config('ccc.mail', $3, true)
)sql"};

void enter_path(pqxx::transaction_base& txn, customer_path path) {
  set_path(txn, path, {}, {});
}

void enter_order_path(pqxx::transaction_base& txn, const std::string& customer) {
  set_path(txn, customer_path::order, customer, {});
}

void enter_mailer_path(pqxx::transaction_base& txn, const std::vector<std::int64_t>& mail) {
  std::string ids;
  for (const auto id : mail) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(id);
  }
  set_path(txn, customer_path::mailer, {}, ids);
}

}  // namespace persistence::detail
