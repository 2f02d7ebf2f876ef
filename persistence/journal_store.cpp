#include "persistence/journal_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "persistence/access_path.hpp"
#include "persistence/append_plan.hpp"
#include "persistence/batch_transaction.hpp"
#include "persistence/journal_reads.hpp"
#include "persistence/personal_data.hpp"
#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {
namespace sql {

// The batch's events ($1) and idempotency keys ($2), in one statement. Returns
// what did NOT insert because another writer already holds it: ('event', item,
// seq) for an event, ('key', item, null) for a key. The common case (no
// conflict) returns no rows, and the caller needs only the missing ones: they
// mark the conflicting items and tell which of their rows this transaction
// did insert. A key is claimed even for an item whose event turns out to be
// taken in the same statement: the caller then undoes the pass (a rollback)
// and runs it again without that item, as for any item that conflicts after
// writing something. DO NOTHING rather than an error: one taken key or seq
// must not abort the batch. Events are written before keys, each in key order.
const named_statement claim_events_and_keys{"claim_events_and_keys", R"sql(
with event_input as (
    select * from unnest($1::journal_event[])
), events_inserted as (
    insert into events (order_id, seq, type, payload, recorded_at)
    select order_id, seq, type, payload::json,
           timestamptz 'epoch' + recorded_at_ms * interval '1 millisecond'
    from event_input
    order by order_id, seq
    on conflict (order_id, seq) do nothing
    returning order_id, seq
), key_input as (
    select * from unnest($2::journal_key[])
), keys_inserted as (
    insert into idempotency_keys (key, fingerprint, order_id, created_at)
    select key, fingerprint, order_id,
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from key_input
    order by key
    on conflict (key) do nothing
    returning key, order_id
)
select 'event' as kind, i.item, i.seq
from event_input i
where not exists (select 1 from events_inserted x where x.order_id = i.order_id and x.seq = i.seq)
union all
select 'key', k.item, null
from key_input k
where not exists (select 1 from keys_inserted x where x.key = k.key and x.order_id = k.order_id)
)sql"};

// Of the keys that did not insert, the ones held by another order. This must
// be a statement of its own: under READ COMMITTED it takes a fresh snapshot
// and so sees a key that a concurrent transaction committed while
// claim_events_and_keys waited for it, which that statement's snapshot
// could not.
const named_statement foreign_idempotency_keys{"foreign_idempotency_keys", R"sql(
select k.item
from json_to_recordset($1::json) as k(item int, key text, order_id uuid)
where not exists (select 1 from idempotency_keys s where s.key = k.key and s.order_id = k.order_id)
)sql"};

// The data keys of customers whose texts a batch seals; an erased customer has none.
const named_statement find_customer_keys{"find_customer_keys", R"sql(
select ref::text, wrapped_key from customer_keys
where ref in (select value::uuid from json_array_elements_text($1::json))
)sql"};

// Crypto-shredding: without its data key nothing sealed for the customer
// opens again, in any table or backup taken from now on. The sealed columns
// and the blind index go too, and mail still owed to the customer is dropped
// (found among the pending mail, which outbox_due indexes).
const named_statement erase_customers{"erase_customers", R"sql(
with input as (
    select * from json_to_recordset($1::json) as e(ref uuid, order_id uuid, at_ms bigint)
), keys as (
    delete from customer_keys k using input i where k.ref = i.ref
), mail as (
    update outbox o set status = 'dropped', claimed_until = null
    from input i
    where o.order_id = i.order_id and o.status = 'pending'
)
update customers c
set name_sealed = null, email_sealed = null, shipping_sealed = null, email_index = null,
    erased_at = timestamptz 'epoch' + i.at_ms * interval '1 millisecond'
from input i
where c.ref = i.ref
)sql"};

// What a batch writes once its events and keys are its own: the timers its
// decisions made moot, customers, the read model and its KPI facts, the
// timers set, the emails owed and the webhook deliveries, in one round trip.
// The statements and their rules are in migration 025 (journal_write_rows),
// in their latest form in 030, which takes each table's rows in binary form;
// a change to them is a later migration.
const named_statement write_rows{"write_rows", R"sql(
select journal_write_rows($1::journal_timer_cleared[], $2::journal_customer[], $3::journal_order[],
                          $4::journal_timer[], $5::journal_mail[], $6::journal_hook[])
)sql"};

// The whole batch as one call, its own transaction (autocommit): the common
// case, when nothing it claims is taken yet. A taken seq or key raises
// unique_violation and the call writes nothing (migration 025,
// journal_append_at_once; in its latest form in 030). $1 is the access path,
// or '' for none.
const named_statement append_at_once{"append_at_once", R"sql(
select journal_append_at_once($1, $2::journal_event[], $3::journal_key[], $4::journal_timer_cleared[],
                              $5::journal_customer[], $6::journal_order[], $7::journal_timer[],
                              $8::journal_mail[], $9::journal_hook[])
)sql"};

// The oids of the rows' composite types (migration 030), which the binary
// arrays must name: a composite type has none fixed.
const named_statement row_types{"journal_row_types", R"sql(
select 'journal_event'::regtype::oid, 'journal_key'::regtype::oid, 'journal_timer_cleared'::regtype::oid,
       'journal_customer'::regtype::oid, 'journal_order'::regtype::oid, 'journal_timer'::regtype::oid,
       'journal_mail'::regtype::oid, 'journal_hook'::regtype::oid
)sql"};

// Payments counted by an order's decision (payment_received). A payment that
// was an open exception until the admin assigned it is already here without
// an order: it gets one. Another order's payment is left as it is. Two
// decisions of one batch counting the same payment (a race between the admin
// and a watcher): the first in the batch keeps it, as if they had committed
// one after the other (DISTINCT ON also avoids "cannot affect row a second time").
const named_statement insert_payments{"insert_payments", R"sql(
insert into payments as p (coin, txid, amount_atomic, source, received_at, counted_at, order_id)
select distinct on (coin, txid)
       coin, txid, amount_atomic::numeric, source,
       timestamptz 'epoch' + received_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + counted_at_ms * interval '1 millisecond', order_id
from rows from (json_to_recordset($1::json) as (coin text, txid text, amount_atomic text, source text,
                                                received_at_ms bigint, counted_at_ms bigint, order_id uuid))
     with ordinality as r(coin, txid, amount_atomic, source, received_at_ms, counted_at_ms, order_id, n)
order by coin, txid, n
on conflict (coin, txid) do update set order_id = excluded.order_id
where p.order_id is null
)sql"};

// Payments an order took back (their block left the chain). Only the order's
// own row goes: a payment counted for another order, or an exception, stays.
// Runs before insert_payments, so a decision that takes back one payment and
// counts another never deletes what it counts.
const named_statement delete_reversed_payments{"delete_reversed_payments", R"sql(
delete from payments p
using json_to_recordset($1::json) as r(coin text, txid text, order_id uuid)
where p.coin = r.coin and p.txid = r.txid and p.order_id = r.order_id
)sql"};

// Exceptions an order raises itself (paid in part when its quote expired):
// the payment is counted already, for the order.
const named_statement insert_order_exceptions{"insert_order_exceptions", R"sql(
insert into payment_exceptions (coin, txid, amount_atomic, received_at, reason, source, order_id, created_at)
select coin, txid, amount_atomic::numeric,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond', reason, 'order', order_id,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as r(coin text, txid text, amount_atomic text, reason text,
                                      order_id uuid, created_at_ms bigint)
)sql"};

// An order paid in full after its part payment had become an exception
// (underpaid_expired): the exception is settled by the payment, not by the admin.
const named_statement settle_underpayments{"settle_underpayments", R"sql(
update payment_exceptions x
set status = 'resolved', resolution = 'the order was paid in full later', resolved_by = 'order',
    resolved_at = timestamptz 'epoch' + r.at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as r(order_id uuid, at_ms bigint)
where x.order_id = r.order_id and x.reason = 'underpaid_expired' and x.status = 'open'
)sql"};

}  // namespace sql

}  // namespace

journal_store::journal_store(connection& db, std::shared_ptr<const sealing::vault> vault,
                             std::shared_ptr<const webhook_subscriptions> webhooks)
    : db_(db), vault_(std::move(vault)), webhooks_(std::move(webhooks)) {
  db_.native().declare({&sql::row_types, &sql::append_at_once, &sql::claim_events_and_keys,
                        &sql::foreign_idempotency_keys, &sql::write_rows, &sql::find_customer_keys,
                        &sql::erase_customers, &sql::delete_reversed_payments, &sql::insert_payments,
                        &sql::insert_order_exceptions, &sql::settle_underpayments});
  detail::declare_journal_reads(db_.native());
}

namespace {

// The batch touches customers or their keys (a new customer, texts to seal
// under an existing customer's key, an erasure): its transaction must name
// the journal's path, or row-level security hides them.
bool touches_customers(const std::vector<append_item>& items, const std::vector<std::string>& needing_keys) {
  if (!needing_keys.empty()) return true;
  for (const auto& item : items)
    if (item.customer || item.erases_customer) return true;
  return false;
}

// No decision of the batch counts, takes back or settles a payment, raises
// an exception or erases a customer: rows only the careful way writes. Asked
// of the items as they are, before anything is sealed, so that a batch that
// must go the careful way is sealed once.
bool writes_only_common_rows(const std::vector<append_item>& items) {
  return std::none_of(items.begin(), items.end(), [](const append_item& item) {
    return !item.payments.empty() || !item.payments_reversed.empty() || !item.exceptions.empty() ||
           item.settles_underpayment || item.erases_customer;
  });
}

// The common case in one round trip (append_at_once): a batch whose texts
// need no stored data key and that writes only the common rows (the caller
// checks both), in which nothing it claims is taken yet. Returns nothing,
// having written nothing, when a seq or key it claims turns out to be taken:
// the caller then takes the careful way.
std::optional<std::vector<append_outcome>> append_at_once(pqxx::connection& conn, const std::vector<append_item>& items,
                                                          const sealing::vault& vault,
                                                          const webhook_subscriptions* webhooks, bool personal,
                                                          const detail::journal_row_types& types) {
  const auto sealed = detail::seal_batch(items, vault, {});
  detail::append_plan state{sealed.items, sealed.customers, types};
  state.resolve_duplicates_within_batch();
  std::vector<std::size_t> key_items;
  const auto events = state.events_parameter();
  const auto keys = state.keys_parameter(key_items);
  const auto cleared = state.timers_cleared_parameter();
  const auto customers = state.customers_parameter();
  const auto orders = state.orders_parameter();
  const auto timers = state.timers_set_parameter();
  const auto outbox = state.outbox_parameter();
  const auto hooks = state.webhook_events_parameter(webhooks);
  try {
    pqxx::nontransaction call{conn};
    call.exec_prepared(sql::append_at_once.name, personal ? "journal" : "", pqxx::binarystring{events.bytes},
                       pqxx::binarystring{keys.bytes}, pqxx::binarystring{cleared.bytes},
                       pqxx::binarystring{customers.bytes}, pqxx::binarystring{orders.bytes},
                       pqxx::binarystring{timers.bytes}, pqxx::binarystring{outbox.bytes},
                       pqxx::binarystring{hooks.bytes});
  } catch (const pqxx::unique_violation&) {
    return std::nullopt;  // the call was its own transaction: it wrote nothing
  }
  return state.outcomes();
}

// The oids of the rows' composite types, asked of the database once.
const detail::journal_row_types& row_types(pqxx::connection& conn,
                                           std::shared_ptr<const detail::journal_row_types>& known) {
  if (!known) {
    pqxx::nontransaction txn{conn};
    const auto row = txn.exec_prepared1(sql::row_types.name);
    detail::journal_row_types types;
    types.event = row[0].as<std::uint32_t>();
    types.key = row[1].as<std::uint32_t>();
    types.timer_cleared = row[2].as<std::uint32_t>();
    types.customer = row[3].as<std::uint32_t>();
    types.order = row[4].as<std::uint32_t>();
    types.timer = row[5].as<std::uint32_t>();
    types.mail = row[6].as<std::uint32_t>();
    types.hook = row[7].as<std::uint32_t>();
    known = std::make_shared<const detail::journal_row_types>(types);
  }
  return *known;
}

}  // namespace

// One transaction for the whole batch, taken one of two ways; each statement
// takes all items at once, as one parameter per table (the common rows in
// PostgreSQL's binary form, record_array; the rarer ones as JSON), so a batch
// of 1 and a batch of 500 cost the same round trips.
//
// At once (append_at_once, migration 025's journal_append_at_once): the
// common case, a batch with no payments counted, taken back or settled, no
// exception raised, no erasure and no texts to seal under a stored key
// (writes_only_common_rows), in which nothing it claims is taken yet. One
// call, its own transaction (autocommit), one round trip: the events and keys
// as plain inserts, then journal_write_rows. A seq or key another writer holds
// (committed, or in flight and then committed: the insert waits for it)
// raises unique_violation, the call writes nothing, and the batch goes the
// careful way, which tells the conflicting items from the rest.
//
// The careful way: a READ COMMITTED transaction and a fixed sequence of
// statements (BEGIN/COMMIT and one per step below that has rows to write; the
// key check only on the conflict path):
//
// 0. BEGIN, with the 'journal' path named in the same round trip (only a
//    batch that touches customers, see touches_customers), then
//    find_customer_keys and sealing.
// 1-2. claim_events_and_keys: the events and the idempotency keys, ON
//    CONFLICT DO NOTHING, in one statement. The journal's primary key is the
//    arbiter between writers (single writer per order): a seq another writer
//    holds is reported, not raised, so one conflicting item does not abort the
//    batch. Events go first because they are the claim; a key is claimed in
//    the same statement even for an item whose seq turns out to be taken (one
//    round trip fewer; on the rare lost race with a key, step 3 undoes it).
//    Then, only if some key did not insert, foreign_idempotency_keys to tell
//    "held by another order" (conflict) from "already ours" (fine). A second
//    statement, because only a fresh READ COMMITTED snapshot is sure to see a
//    key committed by a transaction that the first statement waited for. This
//    runs before customers and the read model, so an item that loses its key
//    has written nothing but events and its key.
// 3. Undo by rollback. An item that ends in conflict after this transaction
//    inserted some of its rows (an event of an item whose later seq is
//    taken, the events of an item whose idempotency key another order
//    holds, a later item of an order whose earlier item conflicted, or the
//    key of any of these) must leave no trace, and the runtime may not
//    delete events (ccc_app has no DELETE on them, and a trigger refuses it
//    to everyone). So the transaction rolls back and runs again without the
//    items known to conflict, until a pass needs no undo. Each further pass
//    leaves out at least one more item, so a batch of n takes at most n+1;
//    a conflict that inserted nothing (a plain lost race) needs no undo. A
//    row another writer holds is never touched.
// 4. write_rows (journal_write_rows): the timers the decisions made moot;
//    customers (a customer ref is written once); the read model (only
//    replaces a row of lower version, so a late or replayed writer never
//    moves it backwards); the timers the decisions want, so a timer exists
//    exactly when its decision committed; the emails they owe (delivered
//    later by the mailer); a webhook delivery per endpoint subscribed to
//    each event.
// 5. delete_reversed_payments / insert_payments / insert_order_exceptions /
//    settle_underpayments: payments the decisions took back or counted,
//    exceptions they raised or settled, only when there are any.
// 6. erase_customers, last: the mail it drops includes mail written above.
//
// Both ways write in the same order (events, keys, then the rows) and every
// multi-row statement in key order, so concurrent batches (other nodes, or
// this node's other journal) queue behind each other instead of
// deadlocking. Any other error throws and the transaction rolls back: the
// caller fails the whole batch.
std::vector<append_outcome> journal_store::append_batch(const std::vector<append_item>& items) {
  if (items.empty()) return {};
  for (std::size_t i = 0; i < items.size(); ++i) detail::validate(items[i], i);  // before touching the database
  const auto needing_keys = detail::customers_needing_keys(items);
  const bool personal = touches_customers(items, needing_keys);

  return db_.native().run([&](pqxx::connection& conn) {
    const auto& types = row_types(conn, row_types_);
    if (needing_keys.empty() && writes_only_common_rows(items))
      if (auto outcomes = append_at_once(conn, items, *vault_, webhooks_.get(), personal, types))
        return std::move(*outcomes);
    // Items an earlier pass found in conflict, left out from the start.
    std::vector<bool> left_out(items.size(), false);
    for (;;) {
      // BEGIN and the access path in one round trip (batch_transaction.hpp).
      detail::batch_transaction transaction{
          conn, personal ? detail::begin_on_path(detail::customer_path::journal) : std::string{"begin"}};
      auto& txn = transaction.statements();

      // 0. seal: new customers get a data key; texts of later decisions are
      //    sealed under the key their customer has (read in this transaction,
      //    so an erasure committed before it is seen).
      std::map<std::string, std::string> wrapped_keys;
      if (!needing_keys.empty())
        for (const auto& row : txn.exec_prepared(sql::find_customer_keys.name, nlohmann::json(needing_keys).dump()))
          wrapped_keys.emplace(row[0].as<std::string>(), row[1].as<std::string>());
      const auto sealed = detail::seal_batch(items, *vault_, wrapped_keys);
      detail::append_plan state{sealed.items, sealed.customers, types};
      for (std::size_t i = 0; i < items.size(); ++i)
        if (left_out[i]) state.mark_conflict(i);
      state.resolve_duplicates_within_batch();

      // 1. events and 2. idempotency keys
      std::vector<std::size_t> key_items;
      const auto events = state.events_parameter();
      const auto keys = state.keys_parameter(key_items);
      if (events.count > 0 || keys.count > 0) {
        std::set<std::size_t> keys_not_inserted;
        for (const auto& row : txn.exec_prepared(sql::claim_events_and_keys.name, pqxx::binarystring{events.bytes},
                                                 pqxx::binarystring{keys.bytes})) {
          const auto item = row[1].as<std::size_t>();
          if (row[0].as<std::string>() == "event")
            state.event_not_inserted(item, row[2].as<std::int64_t>());
          else
            keys_not_inserted.insert(item);
        }
        for (auto i : key_items)
          if (keys_not_inserted.count(i) == 0) state.key_inserted(i);
        if (!keys_not_inserted.empty()) {
          const std::vector<std::size_t> to_check(keys_not_inserted.begin(), keys_not_inserted.end());
          for (const auto& row :
               txn.exec_prepared(sql::foreign_idempotency_keys.name, state.keys_to_check_parameter(to_check)))
            state.mark_conflict(row[0].as<std::size_t>());
        }
        state.propagate_conflicts();
      }

      // 3. undo what conflicting items wrote: again, without them
      if (state.needs_undo()) {
        left_out = state.conflicts();
        transaction.rollback();
        continue;
      }

      // 4. timers the decisions made moot, customers, the read model, the
      //    timers set, the emails owed, the webhook deliveries
      const auto cleared = state.timers_cleared_parameter();
      const auto customers = state.customers_parameter();
      const auto orders = state.orders_parameter();
      const auto timers = state.timers_set_parameter();
      const auto outbox = state.outbox_parameter();
      const auto hooks = state.webhook_events_parameter(webhooks_.get());
      const detail::binary_rows* rows[] = {&cleared, &customers, &orders, &timers, &outbox, &hooks};
      if (std::any_of(std::begin(rows), std::end(rows), [](const auto* r) { return r->count > 0; }))
        txn.exec_prepared(sql::write_rows.name, pqxx::binarystring{cleared.bytes}, pqxx::binarystring{customers.bytes},
                          pqxx::binarystring{orders.bytes}, pqxx::binarystring{timers.bytes},
                          pqxx::binarystring{outbox.bytes}, pqxx::binarystring{hooks.bytes});
      // 5. payments taken back, payments counted, exceptions
      if (auto reversed = state.reversed_payments_parameter(); !detail::is_empty_array(reversed))
        txn.exec_prepared(sql::delete_reversed_payments.name, reversed);
      if (auto payments = state.payments_parameter(); !detail::is_empty_array(payments))
        txn.exec_prepared(sql::insert_payments.name, payments);
      if (auto exceptions = state.exceptions_parameter(); !detail::is_empty_array(exceptions))
        txn.exec_prepared(sql::insert_order_exceptions.name, exceptions);
      if (auto settled = state.settled_underpayments_parameter(); !detail::is_empty_array(settled))
        txn.exec_prepared(sql::settle_underpayments.name, settled);
      // 6. erasures, last: the mail they drop includes mail written above
      if (auto erased = state.erased_customers_parameter(); !detail::is_empty_array(erased))
        txn.exec_prepared(sql::erase_customers.name, erased);

      transaction.commit();
      return state.outcomes();
    }
  });
}

}  // namespace persistence
