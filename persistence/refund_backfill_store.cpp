#include "persistence/refund_backfill_store.hpp"

#include <map>

#include "persistence/access_path.hpp"
#include "persistence/append_plan.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement queued_refunds{"refund_backfill_queued", R"sql(
select order_id::text from refund_backfill
where $1 = '' or order_id > $1::uuid
order by order_id
limit $2
)sql"};

const named_statement customer_key{"refund_backfill_customer_key",
                                   "select wrapped_key from customer_keys where ref = $1::uuid"};

const named_statement write_refund{"refund_backfill_write", R"sql(
update orders
set view = $3::json,
    refund_state = nullif($4, ''),
    refund_due_atomic = $5::numeric,
    refunded_atomic = $6::numeric,
    refund_outstanding_atomic = $7::numeric
where id = $1::uuid and version = $2
)sql"};

const named_statement done{"refund_backfill_done", "delete from refund_backfill where order_id = $1::uuid"};

}  // namespace sql
}  // namespace

refund_backfill_store::refund_backfill_store(connection& db, std::shared_ptr<const sealing::vault> vault)
    : db_(db), vault_(std::move(vault)) {
  db_.native().declare({&sql::queued_refunds, &sql::customer_key, &sql::write_refund, &sql::done});
}

std::vector<std::string> refund_backfill_store::queued(const std::string& after, int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<std::string> ids;
    for (const auto& row : txn.exec_prepared(sql::queued_refunds.name, after, limit))
      ids.push_back(row[0].as<std::string>());
    return ids;
  });
}

bool refund_backfill_store::write_refund(const order_row& row) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    // The view's personal texts are sealed under the customer's key, as the
    // journal seals them (none once the customer was erased: they stay null).
    std::map<std::string, std::string> wrapped_keys;
    if (!row.personal_paths.empty()) {
      detail::enter_path(txn, detail::customer_path::journal);
      const auto key = txn.exec_prepared(sql::customer_key.name, row.customer_ref);
      if (!key.empty() && !key[0][0].is_null())
        wrapped_keys.emplace(detail::lower(row.customer_ref), key[0][0].as<std::string>());
    }
    append_item item;
    item.read_model = row;
    const auto sealed = detail::seal_batch({item}, *vault_, wrapped_keys);
    const auto& stored = sealed.items.front().read_model;
    const auto written =
        txn.exec_prepared(sql::write_refund.name, row.id, row.version, stored.view_json, row.refund_state,
                          row.refund_due_atomic, row.refunded_atomic, row.refund_outstanding_atomic);
    txn.exec_prepared(sql::done.name, row.id);
    txn.commit();
    return written.affected_rows() > 0;
  });
}

void refund_backfill_store::done(const std::string& order_id) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::done.name, order_id);
  });
}

}  // namespace persistence
