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

// The orders placed on the UTC days [$1, $2) (ms, midnights), summed per day
// from the facts the journal keeps as orders change (order_kpis), read from
// its index by day alone: a range of narrow entries, not every order's view.
const named_statement kpi_days{"kpi_days", R"sql(
select (placed_on - date '1970-01-01')::bigint * 86400000,
       count(*),
       count(*) filter (where paid),
       coalesce(sum(total_cents) filter (where paid), 0)::bigint,
       coalesce(sum(refunded_cents) filter (where paid), 0)::bigint,
       count(*) filter (where delivered),
       count(*) filter (where delivered and reviewed)
from order_kpis
where placed_on >= ((timestamptz 'epoch' + $1::bigint * interval '1 millisecond') at time zone 'UTC')::date
  and placed_on < ((timestamptz 'epoch' + $2::bigint * interval '1 millisecond') at time zone 'UTC')::date
group by placed_on
)sql"};

// Their processing times (paid -> shipped): how many, and the nearest-rank
// median and 90th percentile, which percentile_disc is (the first value
// whose rank reaches p * count). From the partial index of the shipped
// orders (order_kpis_shipped_by_day): today's new orders are not visited.
const named_statement kpi_processing{"kpi_processing", R"sql(
select count(processing_ms),
       coalesce(percentile_disc(0.5) within group (order by processing_ms), 0),
       coalesce(percentile_disc(0.9) within group (order by processing_ms), 0)
from order_kpis
where placed_on >= ((timestamptz 'epoch' + $1::bigint * interval '1 millisecond') at time zone 'UTC')::date
  and placed_on < ((timestamptz 'epoch' + $2::bigint * interval '1 millisecond') at time zone 'UTC')::date
  and processing_ms is not null
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

// A month's facts are tens of milliseconds of index: PostgreSQL's parallel
// workers take about as long to start as they save (measured: 24 ms with two
// against 10 ms with none, for 82,000 orders), and they take the cores the
// shop's checkouts run on.
const named_statement serial{"kpi_serial", "set local max_parallel_workers_per_gather = 0"};

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
  db_.native().declare({&sql::count_event, &sql::as_reporting, &sql::serial, &sql::kpi_days, &sql::kpi_processing,
                        &sql::kpi_checkouts, &sql::metrics_orders, &sql::metrics_queues});
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
    txn.exec_prepared(sql::serial.name);
    kpi_inputs in;
    in.checkouts_started = txn.exec_prepared(sql::kpi_checkouts.name, from_ms, to_ms)[0][0].as<std::int64_t>();
    for (const auto& row : txn.exec_prepared(sql::kpi_days.name, from_ms, to_ms)) {
      kpi_day_row d;
      d.day_ms = row[0].as<std::int64_t>();
      d.orders = row[1].as<std::int64_t>();
      d.paid = row[2].as<std::int64_t>();
      d.paid_total_cents = row[3].as<std::int64_t>();
      d.refunded_cents = row[4].as<std::int64_t>();
      d.delivered = row[5].as<std::int64_t>();
      d.reviewed = row[6].as<std::int64_t>();
      in.days.push_back(d);
    }
    const auto processing = txn.exec_prepared(sql::kpi_processing.name, from_ms, to_ms)[0];
    in.processed = processing[0].as<std::int64_t>();
    in.processing_median_ms = processing[1].as<std::int64_t>();
    in.processing_p90_ms = processing[2].as<std::int64_t>();
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
