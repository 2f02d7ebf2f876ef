#include "persistence/timer_store.hpp"

#include "persistence/json_rows.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

// $1 limit, $2 lease in milliseconds. Due by the database's clock, so nodes
// with skewed clocks agree on what is due.
const named_statement claim_due_timers{"claim_due_timers", R"sql(
update timers t
set claimed_until = now() + $2::bigint * interval '1 millisecond'
from (select order_id, kind
      from timers
      where due_at <= now() and (claimed_until is null or claimed_until < now())
      order by due_at
      limit $1
      for update skip locked) due
where t.order_id = due.order_id and t.kind = due.kind
returning t.order_id::text, t.kind, floor(extract(epoch from t.due_at) * 1000)::bigint
)sql"};

const named_statement release_timers{"release_timers", R"sql(
delete from timers t
using json_to_recordset($1::json) as r(order_id uuid, kind text, due_at_ms bigint)
where t.order_id = r.order_id and t.kind = r.kind
  and t.due_at = timestamptz 'epoch' + r.due_at_ms * interval '1 millisecond'
)sql"};

}  // namespace sql

}  // namespace

timer_store::timer_store(connection& db) : db_(db) {
  db_.native().declare({&sql::claim_due_timers, &sql::release_timers});
}

std::vector<due_timer> timer_store::claim_due_timers(int limit, std::chrono::milliseconds lease) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<due_timer> due;
    for (const auto& row :
         txn.exec_prepared(sql::claim_due_timers.name, limit, static_cast<std::int64_t>(lease.count())))
      due.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    txn.commit();
    return due;
  });
}

void timer_store::release_timers(const std::vector<due_timer>& timers) {
  if (timers.empty()) return;
  json_rows rows;
  for (const auto& t : timers) {
    rows.begin_row();
    rows.field("order_id", t.order_id);
    rows.field("kind", t.kind);
    rows.field("due_at_ms", t.due_at_ms);
    rows.end_row();
  }
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::release_timers.name, rows.take());
  });
}

}  // namespace persistence
