#include "persistence/webhook_store.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <stdexcept>

#include "persistence/access_path.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

const named_statement add_endpoint{"webhook_add_endpoint", R"sql(
insert into webhook_endpoints (id, url, events, include_personal_data, secret_sealed, created_at, created_by)
values ($1::uuid, $2, array(select json_array_elements_text($3::json)), $4, $5,
        timestamptz 'epoch' + $6::bigint * interval '1 millisecond', $7)
)sql"};

const named_statement endpoints{"webhook_endpoints", R"sql(
select id::text, url, array_to_json(events)::text, include_personal_data, enabled,
       floor(extract(epoch from created_at) * 1000)::bigint, created_by
from webhook_endpoints
order by created_at, id
)sql"};

const named_statement delete_endpoint{"webhook_delete_endpoint", "delete from webhook_endpoints where id = $1::uuid"};

const named_statement subscribed_types{"webhook_subscribed_types", R"sql(
select distinct unnest(events) from webhook_endpoints where enabled
)sql"};

#define DELIVERY_COLUMNS                                                                                      \
  "d.id, d.endpoint_id::text, w.url, d.order_id::text, d.event_seq, d.event_type, d.payload::text, d.state, " \
  "d.attempts, coalesce(d.last_status, 0), coalesce(d.last_error, ''), "                                      \
  "floor(extract(epoch from d.created_at) * 1000)::bigint"

// $1 how many, $2 the lease in ms, $3 endpoints passed over (a uuid[]
// literal). A delivery waits while an earlier event of its order is still
// pending for the same endpoint (leased by another node included), so each
// order's events reach a receiver in order.
const named_statement claim{"webhook_claim", R"sql(
with due as (
  select d.id from webhook_deliveries d
  where d.state = 'pending' and d.next_attempt_at <= now()
    and (d.claimed_until is null or d.claimed_until < now())
    and d.endpoint_id <> all($3::uuid[])
    and not exists (select 1 from webhook_deliveries e
                    where e.endpoint_id = d.endpoint_id and e.order_id = d.order_id
                      and e.state = 'pending' and e.event_seq < d.event_seq)
  order by d.next_attempt_at, d.id
  limit $1
  for update of d skip locked
)
update webhook_deliveries d
set claimed_until = now() + $2::bigint * interval '1 millisecond'
from due, webhook_endpoints w
where d.id = due.id and w.id = d.endpoint_id
returning )sql" DELIVERY_COLUMNS ", w.secret_sealed, w.include_personal_data"};

// $1 ids as a text[] literal: leases given back unused.
const named_statement release{"webhook_release", R"sql(
update webhook_deliveries set claimed_until = null where id = any($1::text[]) and state = 'pending'
)sql"};

// $1 ids as a text[] literal. On the webhook path, customers and keys show
// only for pending deliveries to endpoints that opted in: null otherwise.
const named_statement customers_of{"webhook_customers_of", R"sql(
select d.id, c.ref::text, c.name_sealed, c.email_sealed, c.shipping_sealed,
       floor(extract(epoch from c.created_at) * 1000)::bigint, k.wrapped_key,
       floor(extract(epoch from c.erased_at) * 1000)::bigint
from webhook_deliveries d
join orders o on o.id = d.order_id
left join customers c on c.ref = o.customer_ref
left join customer_keys k on k.ref = o.customer_ref
where d.id = any($1::text[])
)sql"};

// $1 ids as a text[] literal, $2 the receiver's status.
const named_statement delivered{"webhook_delivered", R"sql(
update webhook_deliveries
set state = 'delivered', delivered_at = now(), claimed_until = null, last_status = $2, last_error = null
where id = any($1::text[]) and state = 'pending'
)sql"};

// $2 status (0: none), $3 error, $4 wait in ms, $5 give up after ms.
const named_statement failed{"webhook_failed", R"sql(
update webhook_deliveries
set attempts = attempts + 1,
    last_status = nullif($2::int, 0),
    last_error = $3,
    claimed_until = null,
    next_attempt_at = now() + $4::bigint * interval '1 millisecond',
    state = case when now() + $4::bigint * interval '1 millisecond' > retry_since + $5::bigint * interval '1 millisecond'
                 then 'failed' else 'pending' end
where id = $1 and state = 'pending'
returning state
)sql"};

const named_statement list{"webhook_deliveries", "select " DELIVERY_COLUMNS R"sql(
from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
where d.state = $1
order by d.created_at desc, d.id desc
limit $2
)sql"};

const named_statement redeliver{"webhook_redeliver", R"sql(
update webhook_deliveries
set state = 'pending', attempts = 0, next_attempt_at = now(), retry_since = now(), claimed_until = null
where id = $1 and state = 'failed'
)sql"};
#undef DELIVERY_COLUMNS

}  // namespace sql

webhook_delivery_row read_delivery(const pqxx::row& row) {
  webhook_delivery_row d;
  d.id = row[0].as<std::string>();
  d.endpoint_id = row[1].as<std::string>();
  d.url = row[2].as<std::string>();
  d.order_id = row[3].as<std::string>();
  d.event_seq = row[4].as<std::int64_t>();
  d.event_type = row[5].as<std::string>();
  d.payload_json = row[6].as<std::string>();
  d.state = row[7].as<std::string>();
  d.attempts = row[8].as<int>();
  d.last_status = row[9].as<int>();
  d.last_error = row[10].as<std::string>();
  d.created_at_ms = row[11].as<std::int64_t>();
  return d;
}

// The ids are ours ("msg_" + hex, or uuids), so they need no quoting in an array literal.
std::string array_literal(const std::vector<std::string>& ids) {
  std::string joined = "{";
  for (const auto& id : ids) joined += (joined.size() > 1 ? "," : "") + id;
  return joined + "}";
}

bool is_uuid_text(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

webhook_store::webhook_store(connection& db, std::shared_ptr<const sealing::vault> vault)
    : db_(db), vault_(std::move(vault)) {
  db_.native().declare({&sql::add_endpoint, &sql::endpoints, &sql::delete_endpoint, &sql::subscribed_types, &sql::claim,
                        &sql::delivered, &sql::failed, &sql::list, &sql::redeliver, &sql::release, &sql::customers_of});
}

void webhook_store::add_endpoint(const webhook_endpoint_row& endpoint, const std::string& secret) {
  const auto sealed = vault_->seal_webhook_secret(secret, endpoint.id);
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::add_endpoint.name, endpoint.id, endpoint.url, nlohmann::json(endpoint.events).dump(),
                      endpoint.include_personal_data, sealed, endpoint.created_at_ms, endpoint.created_by);
  });
}

std::vector<webhook_endpoint_row> webhook_store::endpoints() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<webhook_endpoint_row> out;
    for (const auto& row : txn.exec_prepared(sql::endpoints.name)) {
      webhook_endpoint_row e;
      e.id = row[0].as<std::string>();
      e.url = row[1].as<std::string>();
      e.events = nlohmann::json::parse(row[2].as<std::string>()).get<std::vector<std::string>>();
      e.include_personal_data = row[3].as<bool>();
      e.enabled = row[4].as<bool>();
      e.created_at_ms = row[5].as<std::int64_t>();
      e.created_by = row[6].as<std::string>();
      out.push_back(std::move(e));
    }
    return out;
  });
}

bool webhook_store::delete_endpoint(const std::string& id) {
  if (!is_uuid_text(id)) return false;
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    const bool deleted = txn.exec_prepared(sql::delete_endpoint.name, id).affected_rows() == 1;
    txn.commit();
    return deleted;
  });
}

std::vector<std::string> webhook_store::subscribed_types() {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<std::string> types;
    for (const auto& row : txn.exec_prepared(sql::subscribed_types.name)) types.push_back(row[0].as<std::string>());
    return types;
  });
}

std::vector<webhook_delivery_row> webhook_store::claim_deliveries(int limit, std::chrono::milliseconds lease,
                                                                  const std::vector<std::string>& busy) {
  for (const auto& id : busy)
    if (!is_uuid_text(id)) throw std::invalid_argument("claim_deliveries: not an endpoint id: " + id);
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    std::vector<webhook_delivery_row> claimed;
    for (const auto& row :
         txn.exec_prepared(sql::claim.name, limit, static_cast<std::int64_t>(lease.count()), array_literal(busy))) {
      auto d = read_delivery(row);
      d.include_personal_data = row[13].as<bool>();
      // A secret that does not open (sealed by another shop's keys) signs
      // nothing: the sender fails the delivery instead.
      d.secret = vault_->open_webhook_secret(row[12].as<std::string>(), d.endpoint_id).value_or("");
      claimed.push_back(std::move(d));
    }
    txn.commit();
    return claimed;
  });
}

void webhook_store::mark_delivered(const std::vector<std::string>& ids, int status) {
  if (ids.empty()) return;
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::delivered.name, array_literal(ids), status);
  });
}

void webhook_store::release(const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::release.name, array_literal(ids));
  });
}

std::map<std::string, customer_row> webhook_store::customers_of(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::read_transaction txn{conn};
    detail::enter_webhook_path(txn, ids);
    std::map<std::string, customer_row> found;
    for (const auto& row : txn.exec_prepared(sql::customers_of.name, array_literal(ids))) {
      if (row[1].is_null()) continue;  // not on this path: no personal data for it
      found.emplace(row[0].as<std::string>(),
                    detail::open_customer(*vault_, row[1].as<std::string>(), text_or_empty(row[2]),
                                          text_or_empty(row[3]), text_or_empty(row[4]), text_or_empty(row[6]),
                                          int_or_zero(row[5]), int_or_zero(row[7])));
    }
    txn.commit();
    return found;
  });
}

bool webhook_store::mark_failed(const std::string& id, int status, const std::string& error,
                                std::chrono::milliseconds retry_in, std::chrono::milliseconds give_up_after) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    const auto result =
        txn.exec_prepared(sql::failed.name, id, status, error, static_cast<std::int64_t>(retry_in.count()),
                          static_cast<std::int64_t>(give_up_after.count()));
    return !result.empty() && result[0][0].as<std::string>() == "failed";
  });
}

std::vector<webhook_delivery_row> webhook_store::deliveries(const std::string& state, int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<webhook_delivery_row> out;
    for (const auto& row : txn.exec_prepared(sql::list.name, state, limit)) out.push_back(read_delivery(row));
    return out;
  });
}

bool webhook_store::redeliver(const std::string& id) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::redeliver.name, id).affected_rows() == 1;
  });
}

}  // namespace persistence
