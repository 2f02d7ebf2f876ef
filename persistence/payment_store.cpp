#include "persistence/payment_store.hpp"

#include <string_view>

#include "persistence/json_rows.hpp"

#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

// Of the given (coin, txid) pairs, the ones counted before.
const named_statement counted_payments{"counted_payments", R"sql(
select p.coin, p.txid
from json_to_recordset($1::json) as k(coin text, txid text)
join payments p on p.coin = k.coin and p.txid = k.txid
)sql"};

const named_statement recent_watcher_payments{"recent_watcher_payments", R"sql(
select p.txid, p.order_id::text, p.amount_atomic::text, floor(extract(epoch from p.received_at) * 1000)::bigint,
       coalesce(o.payment_address, '')
from payments p join orders o on o.id = p.order_id
where p.coin = $1 and p.source = 'watcher'
  and p.counted_at >= timestamptz 'epoch' + $2::bigint * interval '1 millisecond'
order by p.counted_at desc
limit $3
)sql"};

// Every order a payment could be for, per lookup row `i` (see
// payment_candidates()): live orders of the coin still owing an amount in
// [amount, max_amount]; closed or expired ones whose quote is in that range (a
// hint for the admin; two are as good as many); the order made this address;
// the order whose number is the memo; orders whose customer claimed the tx.
#define CANDIDATE_COLUMNS                                                                                     \
  "o.id::text, o.number, o.status, coalesce(o.payment_address, ''), coalesce(o.quote_atomic, 0)::text, "      \
  "coalesce(o.outstanding_atomic, 0)::text, floor(extract(epoch from coalesce(o.quoted_at, o.created_at)) * " \
  "1000)::bigint, "                                                                                           \
  "floor(extract(epoch from coalesce(o.quote_expires_at, o.created_at)) * 1000)::bigint"
const named_statement payment_candidates{
    "payment_candidates",
    "select q.i, c.* from json_to_recordset($1::json) as q(i int, coin text, txid text, amount text, max_amount text,"
    "  address text, memo text, received_at_ms bigint)"
    " cross join lateral ("
    "  (select " CANDIDATE_COLUMNS
    ", null::text as claimed from orders o"
    "   where o.payment_method = q.coin and o.status = 'pending'"
    "     and o.outstanding_atomic between q.amount::numeric and q.max_amount::numeric"
    "     and o.quote_expires_at >= timestamptz 'epoch' + q.received_at_ms * interval '1 millisecond'"
    "   limit 10)"
    "  union all"
    "  (select " CANDIDATE_COLUMNS
    ", null from orders o"
    "   where o.payment_method = q.coin and o.quote_atomic between q.amount::numeric and q.max_amount::numeric"
    "     and (o.status <> 'pending'"
    "          or o.quote_expires_at < timestamptz 'epoch' + q.received_at_ms * interval '1 millisecond')"
    "   limit 2)"
    "  union all"
    "  (select " CANDIDATE_COLUMNS
    ", null from orders o"
    "   where q.address is not null and o.payment_address = q.address limit 2)"
    "  union all"
    "  (select " CANDIDATE_COLUMNS
    ", null from orders o"
    "   where q.memo is not null and lower(o.number) = lower(q.memo) limit 1)"
    "  union all"
    "  (select " CANDIDATE_COLUMNS
    ", e.payload ->> 'tx_id' from events e join orders o on o.id = e.order_id"
    "   where q.txid is not null and e.type = 'payment_claimed' and lower(e.payload ->> 'tx_id') = q.txid"
    "   limit 5)"
    " ) c"};
#undef CANDIDATE_COLUMNS

// Payments that became exceptions: counted in `payments` (without an order)
// and listed for the admin, both or neither. A (coin, txid) counted meanwhile
// by another writer inserts nothing and comes back without an id.
const named_statement record_exceptions{"record_exceptions", R"sql(
with input as (
    select *
    from json_to_recordset($1::json) as x(i int, coin text, txid text, amount_atomic text,
                                          received_at_ms bigint, memo text, reason text, source text,
                                          order_id uuid, created_at_ms bigint)
), firsts as (
    -- the same payment twice in one call is listed once, for its first row
    select distinct on (coin, txid) * from input order by coin, txid, i
), counted as (
    insert into payments (coin, txid, amount_atomic, source, received_at, counted_at)
    select coin, txid, amount_atomic::numeric, source,
           timestamptz 'epoch' + received_at_ms * interval '1 millisecond',
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from firsts
    order by coin, txid
    on conflict (coin, txid) do nothing
    returning coin, txid
), listed as (
    insert into payment_exceptions (coin, txid, amount_atomic, received_at, memo, reason, source, order_id,
                                    created_at)
    select f.coin, f.txid, f.amount_atomic::numeric,
           timestamptz 'epoch' + f.received_at_ms * interval '1 millisecond', nullif(f.memo, ''), f.reason,
           f.source, f.order_id, timestamptz 'epoch' + f.created_at_ms * interval '1 millisecond'
    from firsts f join counted c on c.coin = f.coin and c.txid = f.txid
    returning id, coin, txid
)
select f.i, l.id from firsts f join listed l on l.coin = f.coin and l.txid = f.txid
)sql"};

#define EXCEPTION_COLUMNS                                                                                  \
  "x.id, x.coin, x.txid, x.amount_atomic::text, floor(extract(epoch from x.received_at) * 1000)::bigint, " \
  "coalesce(x.memo, ''), x.reason, x.source, x.status, coalesce(x.order_id::text, ''), "                   \
  "floor(extract(epoch from x.created_at) * 1000)::bigint, "                                               \
  "coalesce(floor(extract(epoch from x.resolved_at) * 1000)::bigint, 0), coalesce(x.resolved_by, ''), "    \
  "coalesce(x.resolution, '')"
const named_statement list_exceptions{"list_exceptions", "select " EXCEPTION_COLUMNS
                                                         " from payment_exceptions x where x.status = $1"
                                                         " order by x.created_at desc, x.id desc limit $2"};
const named_statement find_exception{"find_exception",
                                     "select " EXCEPTION_COLUMNS " from payment_exceptions x where x.id = $1"};
#undef EXCEPTION_COLUMNS

// $1 id, $2 new status, $3 order id or '', $4 resolution, $5 by whom, $6 when (ms).
// Only an open exception can be closed, once.
const named_statement close_exception{"close_exception", R"sql(
update payment_exceptions
set status = $2, order_id = coalesce(nullif($3, '')::uuid, order_id), resolution = $4, resolved_by = $5,
    resolved_at = timestamptz 'epoch' + $6::bigint * interval '1 millisecond'
where id = $1 and status = 'open'
)sql"};

}  // namespace sql

exception_row read_exception(const pqxx::row& row) {
  exception_row x;
  x.id = row[0].as<std::int64_t>();
  x.coin = row[1].as<std::string>();
  x.txid = row[2].as<std::string>();
  x.amount_atomic = row[3].as<std::string>();
  x.received_at_ms = row[4].as<std::int64_t>();
  x.memo = row[5].as<std::string>();
  x.reason = row[6].as<std::string>();
  x.source = row[7].as<std::string>();
  x.status = row[8].as<std::string>();
  x.order_id = row[9].as<std::string>();
  x.created_at_ms = row[10].as<std::int64_t>();
  x.resolved_at_ms = row[11].as<std::int64_t>();
  x.resolved_by = row[12].as<std::string>();
  x.resolution = row[13].as<std::string>();
  return x;
}

// An absent lookup key travels as JSON null, which the statement tests for.
void optional_field(json_rows& rows, std::string_view key, const std::string& text) {
  if (text.empty())
    rows.json_text_field(key, "");
  else
    rows.field(key, text);
}

}  // namespace

payment_store::payment_store(connection& db) : db_(db) {
  db_.native().declare({&sql::counted_payments, &sql::recent_watcher_payments, &sql::payment_candidates, &sql::record_exceptions, &sql::list_exceptions, &sql::find_exception, &sql::close_exception});
}

std::vector<counted_payment_row> payment_store::recent_watcher_payments(const std::string& coin, std::int64_t since_ms,
                                                                       int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<counted_payment_row> out;
    for (const auto& row : txn.exec_prepared(sql::recent_watcher_payments.name, coin, since_ms, limit))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::int64_t>(), row[4].as<std::string>()});
    return out;
  });
}

std::vector<payment_key> payment_store::counted_payments(const std::vector<payment_key>& keys) {
  if (keys.empty()) return {};
  json_rows rows;
  for (const auto& k : keys) {
    rows.begin_row();
    rows.field("coin", k.coin);
    rows.field("txid", k.txid);
    rows.end_row();
  }
  auto parameter = rows.take();
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<payment_key> counted;
    for (const auto& row : txn.exec_prepared(sql::counted_payments.name, parameter))
      counted.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return counted;
  });
}

std::vector<payment_candidate_row> payment_store::payment_candidates(const std::vector<payment_lookup>& lookups) {
  if (lookups.empty()) return {};
  json_rows rows;
  for (std::size_t i = 0; i < lookups.size(); ++i) {
    const auto& l = lookups[i];
    rows.begin_row();
    rows.field("i", static_cast<std::int64_t>(i));
    rows.field("coin", l.coin);
    optional_field(rows, "txid", l.txid);
    rows.field("amount", l.amount_atomic);
    rows.field("max_amount", l.max_amount_atomic.empty() ? l.amount_atomic : l.max_amount_atomic);
    optional_field(rows, "address", l.address);
    optional_field(rows, "memo", l.memo);
    rows.field("received_at_ms", l.received_at_ms);
    rows.end_row();
  }
  auto parameter = rows.take();
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<payment_candidate_row> found;
    for (const auto& row : txn.exec_prepared(sql::payment_candidates.name, parameter)) {
      payment_candidate_row c;
      c.lookup = row[0].as<std::size_t>();
      c.id = row[1].as<std::string>();
      c.number = row[2].as<std::string>();
      c.status = row[3].as<std::string>();
      c.payment_address = row[4].as<std::string>();
      c.quote_atomic = row[5].as<std::string>();
      c.outstanding_atomic = row[6].as<std::string>();
      c.quoted_at_ms = row[7].as<std::int64_t>();
      c.expires_at_ms = row[8].as<std::int64_t>();
      c.claimed_txid = text_or_empty(row[9]);
      found.push_back(std::move(c));
    }
    return found;
  });
}

std::vector<std::int64_t> payment_store::record_exceptions(const std::vector<exception_row>& exceptions) {
  if (exceptions.empty()) return {};
  json_rows rows;
  for (std::size_t i = 0; i < exceptions.size(); ++i) {
    const auto& x = exceptions[i];
    rows.begin_row();
    rows.field("i", static_cast<std::int64_t>(i));
    rows.field("coin", x.coin);
    rows.field("txid", x.txid);
    rows.field("amount_atomic", x.amount_atomic);
    rows.field("received_at_ms", x.received_at_ms);
    rows.field("memo", x.memo);
    rows.field("reason", x.reason);
    rows.field("source", x.source);
    optional_field(rows, "order_id", x.order_id);
    rows.field("created_at_ms", x.created_at_ms);
    rows.end_row();
  }
  auto parameter = rows.take();
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<std::int64_t> ids(exceptions.size(), 0);
    for (const auto& row : txn.exec_prepared(sql::record_exceptions.name, parameter))
      ids.at(row[0].as<std::size_t>()) = row[1].as<std::int64_t>();
    txn.commit();
    return ids;
  });
}

std::vector<exception_row> payment_store::list_exceptions(const std::string& status, int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    std::vector<exception_row> list;
    for (const auto& row : txn.exec_prepared(sql::list_exceptions.name, status, limit))
      list.push_back(read_exception(row));
    return list;
  });
}

std::optional<exception_row> payment_store::find_exception(std::int64_t id) {
  return db_.native().run([&](pqxx::connection& conn) -> std::optional<exception_row> {
    pqxx::read_transaction txn{conn};
    const auto result = txn.exec_prepared(sql::find_exception.name, id);
    if (result.empty()) return std::nullopt;
    return read_exception(result[0]);
  });
}

bool payment_store::close_exception(std::int64_t id, const std::string& status, const std::string& order_id,
                            const std::string& resolution, const std::string& by, std::int64_t at_ms) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const bool closed =
        txn.exec_prepared(sql::close_exception.name, id, status, order_id, resolution, by, at_ms).affected_rows() == 1;
    txn.commit();
    return closed;
  });
}

}  // namespace persistence
