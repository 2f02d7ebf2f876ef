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
    case customer_path::webhook:
      return "webhook";
  }
  return "";  // unreachable; an unknown path sees nothing
}

void set_path(pqxx::transaction_base& txn, customer_path path, const std::string& customer, const std::string& mail,
              const std::string& deliveries = {}) {
  txn.exec_prepared(enter_path_statement.name, name_of(path), customer, mail, deliveries);
}

}  // namespace

// The names are the ones the policies of migrations 008, 011 and 018 compare with.
const named_statement enter_path_statement{"enter_customer_path", R"sql(
select set_config('ccc.path', $1, true), set_config('ccc.customer', $2, true), set_config('ccc.mail', $3, true),
       set_config('ccc.deliveries', $4, true)
)sql"};

std::string begin_on_path(customer_path path) {
  return std::string{"begin; select set_config('ccc.path', '"} + name_of(path) +
         "', true), set_config('ccc.customer', '', true), set_config('ccc.mail', '', true), "
         "set_config('ccc.deliveries', '', true)";
}

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

void enter_webhook_path(pqxx::transaction_base& txn, const std::vector<std::string>& deliveries) {
  std::string ids;
  for (const auto& id : deliveries) {
    // Our own ids ("msg_" + hex) never hold a comma; one that did could only
    // name fewer deliveries, never another customer.
    if (!ids.empty()) ids += ',';
    ids += id;
  }
  set_path(txn, customer_path::webhook, {}, {}, ids);
}

}  // namespace persistence::detail
