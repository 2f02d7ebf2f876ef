#include "persistence/analytics_store.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement count_event{"count_event", R"sql(
insert into analytics_daily as a (day, type, count)
values ((timestamptz 'epoch' + $2::bigint * interval '1 millisecond') at time zone 'UTC', $1, 1)
on conflict (day, type) do update set count = a.count + 1
)sql"};

// What the KPIs need of each order placed in [$1, $2) (ms): facts from its
// customer view (payment state and time, when it shipped, delivered, reviewed).
const named_statement kpi_orders{"kpi_orders", R"sql(
select floor(extract(epoch from o.created_at) * 1000)::bigint, o.total_cents, o.status,
       coalesce(o.view -> 'payment' ->> 'state', ''), coalesce(o.view -> 'payment' ->> 'paid_at', ''),
       coalesce((select t ->> 'at' from jsonb_array_elements(o.view -> 'timeline') t
                 where t ->> 'status' = 'shipped' limit 1), ''),
       exists (select 1 from jsonb_array_elements(o.view -> 'timeline') t where t ->> 'status' = 'delivered'),
       o.view ? 'review',
       coalesce(o.quote_atomic, 0)::text, coalesce(o.view -> 'payment' ->> 'received_atomic', '0'),
       o.refunded_atomic::text
from orders o
where o.created_at >= timestamptz 'epoch' + $1::bigint * interval '1 millisecond'
  and o.created_at < timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
)sql"};

const named_statement kpi_checkouts{"kpi_checkouts", R"sql(
select coalesce(sum(count), 0)::bigint from analytics_daily
where type = 'checkout_started'
  and day >= ((timestamptz 'epoch' + $1::bigint * interval '1 millisecond') at time zone 'UTC')::date
  and day < ((timestamptz 'epoch' + $2::bigint * interval '1 millisecond') at time zone 'UTC')::date
)sql"};

// The KPIs read as ccc_reporting, which may see orders and analytics_daily
// and nothing personal (migration 008): whatever these statements become,
// they cannot reach customers or events. LOCAL: back to the connection's own
// role when the transaction ends.
const named_statement as_reporting{"kpi_as_reporting", "set local role ccc_reporting"};

const named_statement metrics_orders{"metrics_orders", "select status, count(*) from orders group by status"};

const named_statement metrics_queues{"metrics_queues", R"sql(
select (select count(*) from outbox where status = 'pending'),
       (select count(*) from outbox where status = 'dead'),
       (select count(*) from timers where due_at <= now()),
       (select count(*) from payment_exceptions where status = 'open'),
       (select count(*) from outbox where status = 'suppressed'),
       (select count(*) from webhook_deliveries where state = 'pending' and next_attempt_at <= now())
)sql"};

}  // namespace sql

}  // namespace

analytics_store::analytics_store(connection& db) : db_(db) {
  db_.native().declare({&sql::count_event, &sql::as_reporting, &sql::kpi_orders, &sql::kpi_checkouts,
                        &sql::metrics_orders, &sql::metrics_queues});
}

void analytics_store::count_event(const std::string& type, std::int64_t at_ms) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::count_event.name, type, at_ms);
    txn.commit();
    return 0;
  });
}

kpi_inputs analytics_store::kpi_inputs_between(std::int64_t from_ms, std::int64_t to_ms) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    txn.exec_prepared(sql::as_reporting.name);
    kpi_inputs in;
    in.checkouts_started = txn.exec_prepared(sql::kpi_checkouts.name, from_ms, to_ms)[0][0].as<std::int64_t>();
    for (const auto& row : txn.exec_prepared(sql::kpi_orders.name, from_ms, to_ms)) {
      kpi_order_row o;
      o.placed_at_ms = row[0].as<std::int64_t>();
      o.total_cents = row[1].as<std::int64_t>();
      o.status = row[2].as<std::string>();
      o.payment_state = row[3].as<std::string>();
      o.paid_at = row[4].as<std::string>();
      o.shipped_at = row[5].as<std::string>();
      o.delivered = row[6].as<bool>();
      o.reviewed = row[7].as<bool>();
      o.quote_atomic = row[8].as<std::string>();
      o.received_atomic = row[9].as<std::string>();
      o.refunded_atomic = row[10].as<std::string>();
      in.orders.push_back(std::move(o));
    }
    return in;
  });
}

metrics_snapshot analytics_store::metrics() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    metrics_snapshot m;
    for (const auto& row : txn.exec_prepared(sql::metrics_orders.name))
      m.orders_by_status.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>());
    const auto q = txn.exec_prepared(sql::metrics_queues.name)[0];
    m.outbox_pending = q[0].as<std::int64_t>();
    m.outbox_dead = q[1].as<std::int64_t>();
    m.timers_due = q[2].as<std::int64_t>();
    m.payment_exceptions_open = q[3].as<std::int64_t>();
    m.mail_suppressed = q[4].as<std::int64_t>();
    m.webhooks_due = q[5].as<std::int64_t>();
    return m;
  });
}

}  // namespace persistence
