#include "persistence/privacy_store.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement order_of_customer{"order_of_customer", R"sql(
select id::text from orders where customer_ref = $1::uuid limit 1
)sql"};

const named_statement erasure_requests{"erasure_requests", R"sql(
select id::text, number, customer_ref::text,
       floor(extract(epoch from erasure_requested_at) * 1000)::bigint,
       floor(extract(epoch from customer_erased_at) * 1000)::bigint
from orders
where erasure_requested_at is not null
order by customer_erased_at is not null, erasure_requested_at desc
limit $1
)sql"};

const named_statement orders_past_retention{"orders_past_retention", R"sql(
select id::text, floor(extract(epoch from closed_at) * 1000)::bigint
from orders
where customer_erased_at is null and closed_at is not null
  and closed_at < timestamptz 'epoch' + $1::bigint * interval '1 millisecond'
  and (closed_at, id) > (timestamptz 'epoch' + $2::bigint * interval '1 millisecond',
                         coalesce(nullif($3, '')::uuid, '00000000-0000-0000-0000-000000000000'::uuid))
order by closed_at, id
limit $4
)sql"};

// Rows already on a month's first day are that month's folded row.
const named_statement fold_analytics{"fold_analytics", R"sql(
with old as (
    delete from analytics_daily
    where day < ((timestamptz 'epoch' + $1::bigint * interval '1 millisecond') at time zone 'UTC')::date
      and day <> date_trunc('month', day)::date
    returning day, type, count
), folded as (
    insert into analytics_daily as a (day, type, count)
    select date_trunc('month', day)::date, type, sum(count) from old group by 1, 2
    on conflict (day, type) do update set count = a.count + excluded.count
)
select count(*) from old
)sql"};

}  // namespace sql
}  // namespace

privacy_store::privacy_store(connection& db) : db_(db) {
  db_.native().declare(
      {&sql::order_of_customer, &sql::erasure_requests, &sql::orders_past_retention, &sql::fold_analytics});
}

std::optional<std::string> privacy_store::order_of_customer(const std::string& ref) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::order_of_customer.name, ref);
    if (result.empty()) return std::nullopt;
    return result[0][0].as<std::string>();
  });
}

std::vector<erasure_request_row> privacy_store::erasure_requests(int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<erasure_request_row> rows;
    for (const auto& row : txn.exec_prepared(sql::erasure_requests.name, limit))
      rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                      row[3].as<std::int64_t>(), int_or_zero(row[4])});
    return rows;
  });
}

std::vector<retention_candidate> privacy_store::orders_past_retention(std::int64_t closed_before_ms,
                                                                      std::int64_t after_closed_ms,
                                                                      const std::string& after_id, int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<retention_candidate> rows;
    for (const auto& row :
         txn.exec_prepared(sql::orders_past_retention.name, closed_before_ms, after_closed_ms, after_id, limit))
      rows.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
    return rows;
  });
}

std::int64_t privacy_store::fold_analytics_before(std::int64_t before_ms) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const auto folded = txn.exec_prepared(sql::fold_analytics.name, before_ms)[0][0].as<std::int64_t>();
    txn.commit();
    return folded;
  });
}

}  // namespace persistence
