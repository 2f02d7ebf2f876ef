#include "persistence/outbox_store.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "persistence/access_path.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"
#include "persistence/sealed_json.hpp"

namespace persistence {
namespace {
namespace sql {

// The mailer's side of the outbox: claim with a lease like the timers, then
// settle each message as sent, or failed with the next attempt's time (or dead).
#define OUTBOX_COLUMNS                                                                                  \
  "o.id, o.order_id::text, o.kind, o.payload::text, o.attempts, o.status, coalesce(o.last_error, ''), " \
  "floor(extract(epoch from o.created_at) * 1000)::bigint"
// $1 how many, $2 the lease in ms. Half the newest due messages and half the
// oldest: a confirmation written a moment ago goes out with the next batch
// even behind a backlog of thousands, and the backlog still drains.
const named_statement claim_outbox{"claim_outbox", R"sql(
with newest as (
  select id from outbox
  where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
  order by next_attempt_at desc, id desc limit ($1 + 1) / 2
  for update skip locked
), oldest as (
  select id from outbox
  where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
    and id not in (select id from newest)
  order by next_attempt_at, id limit $1 - (select count(*) from newest)
  for update skip locked
)
update outbox o
set claimed_until = now() + $2::bigint * interval '1 millisecond'
where o.id in (select id from newest union all select id from oldest)
returning )sql" OUTBOX_COLUMNS};

// The claim walks outbox_due (migration 023) from either end and never sorts.
// Left to its estimates, PostgreSQL reads every due row and sorts them
// whenever it believes few are pending: a burst of checkouts on a table whose
// statistics predate it, or are not yet taken (35 ms a claim behind 40,000
// waiting, docs/PERFORMANCE.md, Mailer). Only the claim's transaction.
const named_statement claim_in_index_order{"claim_in_index_order", "set local enable_sort = off"};

// A group of messages sent by a node that died before recording them (their
// lease ran out while marked as being sent): the server may have taken them,
// so they are not sent again by themselves (migration 016).
const named_statement settle_uncertain{"settle_uncertain", R"sql(
update outbox
set status = 'uncertain', claimed_until = null,
    last_error = 'its sender stopped while sending it: it may have gone out; retry sends it (again)'
where status = 'pending' and sending_since is not null and claimed_until < now()
)sql"};

// $1 ids as a bigint[] literal: handed to the SMTP server next.
const named_statement outbox_sending{"outbox_sending", R"sql(
update outbox set sending_since = now() where id = any($1::bigint[])
)sql"};

// $1 ids as a bigint[] literal.
const named_statement outbox_sent{"outbox_sent", R"sql(
update outbox set status = 'sent', sent_at = now(), claimed_until = null, last_error = null
where id = any($1::bigint[])
)sql"};

// $2 error, $3 wait before the next attempt in ms, $4 max attempts.
const named_statement outbox_failed{"outbox_failed", R"sql(
update outbox
set attempts = attempts + 1,
    last_error = $2,
    claimed_until = null,
    sending_since = null,
    next_attempt_at = now() + $3::bigint * interval '1 millisecond',
    status = case when attempts + 1 >= $4 then 'dead' else 'pending' end
where id = $1
returning status
)sql"};

const named_statement dead_outbox{"dead_outbox", "select " OUTBOX_COLUMNS
                                                 " from outbox o where o.status in ('dead', 'uncertain')"
                                                 " order by o.created_at desc, o.id desc limit $1"};

// The admin sends a dead (or uncertain) message again: a fresh set of attempts, at once.
const named_statement retry_outbox{"retry_outbox", R"sql(
update outbox
set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null, sending_since = null
where id = $1 and status in ('dead', 'uncertain')
)sql"};
#undef OUTBOX_COLUMNS

// $1 recipient keys as a JSON array (one per email, a key may repeat), $2 now
// (ms): that many more emails to each recipient in the current hour; returns
// each recipient's count after them. One statement for a batch: a key's rows
// are folded first, as one insert may not update a row twice.
const named_statement count_recipients{"count_recipients", R"sql(
insert into mail_recipient_hours as h (recipient_key, hour, sent)
select key, date_trunc('hour', timestamptz 'epoch' + $2::bigint * interval '1 millisecond'), count(*)
from json_array_elements_text($1::json) as key
group by key
on conflict (recipient_key, hour) do update set sent = h.sent + excluded.sent
returning recipient_key, sent
)sql"};

// An email over its recipient's cap: settled without sending, reason kept.
const named_statement outbox_suppressed{"outbox_suppressed", R"sql(
update outbox set status = 'suppressed', claimed_until = null, last_error = $2
where id = $1
)sql"};

// Mail to a customer who was erased: settled without sending, as the erasure
// settles the mail still pending when it commits.
const named_statement outbox_dropped{"outbox_dropped", R"sql(
update outbox set status = 'dropped', claimed_until = null, last_error = $2
where id = $1
)sql"};

// Counts older than the hour before this one no longer matter.
const named_statement prune_recipient_hours{"prune_recipient_hours", R"sql(
delete from mail_recipient_hours
where hour < date_trunc('hour', timestamptz 'epoch' + $1::bigint * interval '1 millisecond') - interval '1 hour'
)sql"};

}  // namespace sql

outbox_entry read_outbox(const pqxx::row& row) {
  outbox_entry e;
  e.id = row[0].as<std::int64_t>();
  e.order_id = row[1].as<std::string>();
  e.kind = row[2].as<std::string>();
  e.payload_json = row[3].as<std::string>();
  e.attempts = row[4].as<int>();
  e.status = row[5].as<std::string>();
  e.last_error = row[6].as<std::string>();
  e.created_at_ms = row[7].as<std::int64_t>();
  return e;
}

/// `ids` as a PostgreSQL bigint[] literal.
std::string bigint_array(const std::vector<std::int64_t>& ids) {
  std::string array = "{";
  for (const auto id : ids) {
    if (array.size() > 1) array += ',';
    array += std::to_string(id);
  }
  return array + '}';
}

}  // namespace

outbox_store::outbox_store(connection& db, std::shared_ptr<const sealing::vault> vault)
    : db_(db), vault_(std::move(vault)) {
  db_.native().declare({&sql::settle_uncertain, &sql::claim_in_index_order, &sql::claim_outbox, &sql::outbox_sending,
                        &sql::outbox_sent, &sql::outbox_failed, &sql::dead_outbox, &sql::retry_outbox,
                        &sql::count_recipients, &sql::outbox_suppressed, &sql::outbox_dropped,
                        &detail::order_key_statement, &sql::prune_recipient_hours});
}

std::vector<outbox_entry> outbox_store::claim_outbox(int limit, std::chrono::milliseconds lease) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::work txn{conn};
    txn.exec_prepared(sql::settle_uncertain.name);
    txn.exec_prepared(sql::claim_in_index_order.name);
    std::vector<outbox_entry> claimed;
    for (const auto& row : txn.exec_prepared(sql::claim_outbox.name, limit, static_cast<std::int64_t>(lease.count())))
      claimed.push_back(read_outbox(row));
    // A message with a personal text (the admin's words to the customer)
    // opens under its customer's key. Only the mailer claims: its path shows
    // the keys of the customers of the pending mail it names.
    std::vector<std::int64_t> sealed;
    for (const auto& entry : claimed)
      if (detail::may_hold_sealed_values(entry.payload_json)) sealed.push_back(entry.id);
    if (!sealed.empty()) detail::enter_mailer_path(txn, sealed);
    for (auto& entry : claimed) {
      if (!detail::may_hold_sealed_values(entry.payload_json)) continue;
      const auto key = detail::order_key(txn, *vault_, entry.order_id);
      entry.payload_json = detail::open_sealed_values(entry.payload_json, key ? &*key : nullptr,
                                                      detail::outbox_context(entry.order_id, entry.kind));
    }
    txn.commit();
    return claimed;
  });
}

void outbox_store::mark_dropped(std::int64_t id, const std::string& reason) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::outbox_dropped.name, id, reason);
  });
}

void outbox_store::mark_sending(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::outbox_sending.name, bigint_array(ids));
  });
}

void outbox_store::mark_sent(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::outbox_sent.name, bigint_array(ids));
  });
}

bool outbox_store::mark_failed(std::int64_t id, const std::string& error, std::chrono::milliseconds retry_in,
                               int max_attempts) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    const auto result = txn.exec_prepared(sql::outbox_failed.name, id, error,
                                          static_cast<std::int64_t>(retry_in.count()), max_attempts);
    return !result.empty() && result[0][0].as<std::string>() == "dead";
  });
}

std::vector<outbox_entry> outbox_store::dead_mail(int limit) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    std::vector<outbox_entry> dead;
    for (const auto& row : txn.exec_prepared(sql::dead_outbox.name, limit)) dead.push_back(read_outbox(row));
    return dead;
  });
}

bool outbox_store::retry_mail(std::int64_t id) {
  return db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    return txn.exec_prepared(sql::retry_outbox.name, id).affected_rows() == 1;
  });
}

std::vector<int> outbox_store::count_recipients(const std::vector<std::string>& recipient_keys, std::int64_t at_ms) {
  if (recipient_keys.empty()) return {};
  std::map<std::string, int> after;  // each recipient's count once the whole batch is counted
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    after.clear();
    for (const auto& row : txn.exec_prepared(sql::count_recipients.name, nlohmann::json(recipient_keys).dump(), at_ms))
      after[row[0].as<std::string>()] = row[1].as<int>();
  });
  // The batch's emails to one recipient count one after another, the last
  // making the count the statement returned.
  std::map<std::string, int> in_batch;
  for (const auto& key : recipient_keys) ++in_batch[key];
  std::vector<int> counts;
  counts.reserve(recipient_keys.size());
  std::map<std::string, int> seen;
  for (const auto& key : recipient_keys) counts.push_back(after[key] - in_batch[key] + ++seen[key]);
  return counts;
}

void outbox_store::mark_suppressed(std::int64_t id, const std::string& reason) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::outbox_suppressed.name, id, reason);
  });
}

void outbox_store::prune_recipient_counts(std::int64_t now_ms) {
  db_.native().run([&](pqxx::connection& conn) {
    pqxx::nontransaction txn{conn};
    txn.exec_prepared(sql::prune_recipient_hours.name, now_ms);
  });
}

}  // namespace persistence
