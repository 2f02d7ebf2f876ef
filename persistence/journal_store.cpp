#include "persistence/journal_store.hpp"

#include <nlohmann/json.hpp>

#include <map>
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
    select *
    from json_to_recordset($1::json) as e(item int, order_id uuid, seq bigint, type text,
                                          payload text, recorded_at_ms bigint)
), events_inserted as (
    insert into events (order_id, seq, type, payload, recorded_at)
    select order_id, seq, type, payload::jsonb,
           timestamptz 'epoch' + recorded_at_ms * interval '1 millisecond'
    from event_input
    order by order_id, seq
    on conflict (order_id, seq) do nothing
    returning order_id, seq
), key_input as (
    select *
    from json_to_recordset($2::json) as k(item int, key text, fingerprint text, order_id uuid,
                                          created_at_ms bigint)
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

// What a batch writes beside its events and idempotency keys, in one
// statement (one round trip instead of four): new customers and their data
// keys, the read model and the KPI facts, the timers set, the emails owed.
// Each part writes its own tables, so running them as parts of one statement
// (which PostgreSQL may do in any order, all on one snapshot) changes nothing
// they see; each writes in key order, and the batch's events already hold
// its orders (another writer of one of them waits at its events, or lost to
// ours). An empty array writes nothing.
//
// Customers ($1): a customer ref is created once; a retry must not overwrite
// it. Its sealed columns and its wrapped data key go in together.
//
// Orders ($2): the read model only moves forward: a row is replaced only by a
// higher version, whatever order writers commit in. DISTINCT ON keeps the
// highest version of an order appearing twice in one batch (and avoids "ON
// CONFLICT DO UPDATE command cannot affect row a second time"). created_at is
// not updated: it is the order's birth and the listing's paging key. What the
// order adds to the KPIs (order_kpis) follows the rows written (so it never
// moves backwards either), and only when it changed: a reminder or a note
// rewrites nothing there.
//
// Timers ($3): a timer set again (say, a new reminder) replaces the old one
// and drops any lease on it: the new due time is a new timer. Clearing
// (clear_timers) runs before, as a statement of its own.
//
// Emails ($4).
const named_statement write_rows{"write_rows", R"sql(
with customer_input as (
    select *
    from json_to_recordset($1::json) as c(ref uuid, name text, email text, shipping text, email_index text,
                                          wrapped_key text, created_at_ms bigint)
), customer_keys_written as (
    insert into customer_keys (ref, wrapped_key, created_at)
    select ref, wrapped_key, timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from customer_input
    order by ref
    on conflict (ref) do nothing
), customers_written as (
    insert into customers (ref, name_sealed, email_sealed, shipping_sealed, email_index, created_at)
    select ref, name, email, nullif(shipping, ''), email_index,
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from customer_input
    order by ref
    on conflict (ref) do nothing
), order_input as (
    select distinct on (r.id) r.*
    from json_to_recordset($2::json) as r(id uuid, number text, status text, customer_ref uuid,
                                          payment_method text, total_cents bigint,
                                          created_at_ms bigint, updated_at_ms bigint,
                                          version bigint, view text, payment_address text,
                                          quote_atomic text, outstanding_atomic text,
                                          quoted_at_ms bigint, quote_expires_at_ms bigint,
                                          closed_at_ms bigint, erasure_requested_at_ms bigint,
                                          customer_erased_at_ms bigint, refund_state text,
                                          refund_due_atomic text, refunded_atomic text,
                                          refund_outstanding_atomic text, kpi_paid int,
                                          kpi_processing_ms bigint, kpi_delivered int, kpi_reviewed int,
                                          kpi_refunded_cents bigint)
    order by r.id, r.version desc
), orders_written as (
insert into orders as o (id, number, status, customer_ref, payment_method, total_cents,
                         created_at, updated_at, version, view, payment_address, quote_atomic,
                         outstanding_atomic, quoted_at, quote_expires_at, closed_at, erasure_requested_at,
                         customer_erased_at, refund_state, refund_due_atomic, refunded_atomic,
                         refund_outstanding_atomic)
select r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
       timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
       r.version, r.view::jsonb, nullif(r.payment_address, ''), r.quote_atomic::numeric,
       r.outstanding_atomic::numeric,
       timestamptz 'epoch' + r.quoted_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + r.quote_expires_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + nullif(r.closed_at_ms, 0) * interval '1 millisecond',
       timestamptz 'epoch' + nullif(r.erasure_requested_at_ms, 0) * interval '1 millisecond',
       timestamptz 'epoch' + nullif(r.customer_erased_at_ms, 0) * interval '1 millisecond',
       nullif(r.refund_state, ''), r.refund_due_atomic::numeric, r.refunded_atomic::numeric,
       r.refund_outstanding_atomic::numeric
from order_input r
order by r.id
on conflict (id) do update set
    number = excluded.number,
    status = excluded.status,
    customer_ref = excluded.customer_ref,
    payment_method = excluded.payment_method,
    total_cents = excluded.total_cents,
    updated_at = excluded.updated_at,
    version = excluded.version,
    view = excluded.view,
    payment_address = excluded.payment_address,
    quote_atomic = excluded.quote_atomic,
    outstanding_atomic = excluded.outstanding_atomic,
    quoted_at = excluded.quoted_at,
    quote_expires_at = excluded.quote_expires_at,
    closed_at = excluded.closed_at,
    erasure_requested_at = excluded.erasure_requested_at,
    customer_erased_at = excluded.customer_erased_at,
    refund_state = excluded.refund_state,
    refund_due_atomic = excluded.refund_due_atomic,
    refunded_atomic = excluded.refunded_atomic,
    refund_outstanding_atomic = excluded.refund_outstanding_atomic
where o.version < excluded.version
returning o.id
), kpis_written as (
insert into order_kpis as k (order_id, placed_on, total_cents, paid, processing_ms, delivered, reviewed,
                             refunded_cents)
select i.id, ((timestamptz 'epoch' + i.created_at_ms * interval '1 millisecond') at time zone 'UTC')::date,
       i.total_cents,
       i.kpi_paid = 1, i.kpi_processing_ms, i.kpi_delivered = 1, i.kpi_reviewed = 1, i.kpi_refunded_cents
from order_input i
join orders_written w on w.id = i.id
order by i.id
on conflict (order_id) do update set
    total_cents = excluded.total_cents,
    paid = excluded.paid,
    processing_ms = excluded.processing_ms,
    delivered = excluded.delivered,
    reviewed = excluded.reviewed,
    refunded_cents = excluded.refunded_cents
where (k.total_cents, k.paid, k.processing_ms, k.delivered, k.reviewed, k.refunded_cents)
      is distinct from (excluded.total_cents, excluded.paid, excluded.processing_ms, excluded.delivered,
                        excluded.reviewed, excluded.refunded_cents)
), timers_written as (
    insert into timers as t (order_id, kind, due_at)
    select order_id, kind, timestamptz 'epoch' + due_at_ms * interval '1 millisecond'
    from json_to_recordset($3::json) as r(order_id uuid, kind text, due_at_ms bigint)
    order by order_id, kind
    on conflict (order_id, kind) do update set
        due_at = excluded.due_at,
        claimed_until = null
)
insert into outbox (order_id, kind, payload, created_at, next_attempt_at)
select order_id, kind, payload::jsonb,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
from json_to_recordset($4::json) as r(order_id uuid, kind text, payload text, created_at_ms bigint)
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

// Timers and emails a decision wants, written with its events: a timer or an email exists exactly when its decision
// committed. Clearing runs before setting; one decision never does both to one kind.
const named_statement clear_timers{"clear_timers", R"sql(
delete from timers t
using json_to_recordset($1::json) as r(order_id uuid, kind text)
where t.order_id = r.order_id and t.kind = r.kind
)sql"};




// One delivery per enabled endpoint subscribed to each event (its type or
// "*"); the webhook sender delivers them. DO NOTHING: one event goes to one
// endpoint once.
const named_statement insert_webhook_deliveries{"insert_webhook_deliveries", R"sql(
insert into webhook_deliveries (id, endpoint_id, order_id, event_seq, event_type, payload, created_at,
                                next_attempt_at, retry_since)
select 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.id, r.order_id, r.seq, r.type, r.payload::jsonb,
       timestamptz 'epoch' + r.at_ms * interval '1 millisecond', now(), now()
from json_to_recordset($1::json) as r(order_id uuid, seq bigint, type text, payload text, at_ms bigint)
join webhook_endpoints w on w.enabled and (r.type = any(w.events) or '*' = any(w.events))
order by w.id, r.order_id, r.seq
on conflict (endpoint_id, order_id, event_seq) do nothing
)sql"};

}  // namespace sql

}  // namespace

journal_store::journal_store(connection& db, std::shared_ptr<const sealing::vault> vault,
                             std::shared_ptr<const webhook_subscriptions> webhooks)
    : db_(db), vault_(std::move(vault)), webhooks_(std::move(webhooks)) {
  db_.native().declare({&sql::claim_events_and_keys, &sql::foreign_idempotency_keys,
                        &sql::write_rows, &sql::find_customer_keys, &sql::erase_customers,
                        &sql::delete_reversed_payments, &sql::insert_payments, &sql::insert_order_exceptions,
                        &sql::settle_underpayments, &sql::clear_timers,
                        &sql::insert_webhook_deliveries});
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

}  // namespace

// One READ COMMITTED transaction for the whole batch and a fixed sequence of
// statements, each taking all items at once as one json parameter, so a
// batch of 1 and a batch of 500 cost the same round trips (BEGIN/COMMIT and
// one per step below that has rows to write; the key check only on the
// conflict path):
//
// 0. BEGIN, with the 'journal' path named in the same round trip (only a
//    batch that touches customers, see touches_customers), then
//    find_customer_keys and sealing.
// 1-2. claim_events_and_keys: the events and the idempotency keys, ON
//    CONFLICT DO NOTHING, in one statement. The journal's primary key is the
//    arbiter between writers (single writer per order): a seq another writer
//    holds (committed, or in flight and then committed: the insert waits for
//    it) is reported, not raised, so one conflicting item does not abort the
//    batch. Events go first because they are the claim; a key is claimed in
//    the same statement even for an item whose seq turns out to be taken (one
//    round trip fewer on the common path; on the rare lost race with a key,
//    step 3 undoes it). Then, only if some key did not insert,
//    foreign_idempotency_keys to tell "held by another order" (conflict)
//    from "already ours" (fine). A second statement, because only a fresh
//    READ COMMITTED snapshot is sure to see a key committed by a transaction
//    that the first statement waited for. This runs before customers and
//    the read model, so an item that loses its key has written nothing but
//    events and its key.
// 3. Undo by rollback. An item that ends in conflict after this transaction
//    inserted some of its rows (an event of an item whose later seq is
//    taken, the events of an item whose idempotency key another order
//    holds, a later item of an order whose earlier item conflicted, or the
//    key of any of these) must leave no trace, and the runtime may not
//    delete events (ccc_app has no DELETE on them, and a trigger refuses it
//    to everyone). So the transaction rolls back and runs again without the
//    items known to conflict, until a pass needs no undo. Each further pass
//    leaves out at least one more item, so a batch of n takes at most n+1;
//    the common path (no conflict, or a conflict that inserted nothing: a
//    plain lost race) is one transaction, as before. A row another writer
//    holds is never touched.
// 4. clear_timers: the timers the decisions made moot.
// 5. write_rows, one statement of four parts: customers (DO NOTHING: a
//    customer ref is written once); the read model (only replaces a row of
//    lower version, so a late or replayed writer never moves it backwards);
//    the timers the decisions want, so a timer exists exactly when its
//    decision committed; the emails they owe (delivered later by the mailer).
// 6. insert_webhook_deliveries: a delivery per endpoint subscribed to each
//    event, only when some endpoint subscribes to one of the batch's types.
// 7. delete_reversed_payments / insert_payments / insert_order_exceptions /
//    settle_underpayments: payments the decisions took back or counted, exceptions they raised or settled, only
//    when there are any.
// 8. erase_customers, last: the mail it drops includes mail written above.
//
// Every multi-row statement writes in key order, so concurrent batches
// (other nodes, or this node's other journal) queue behind each other
// instead of deadlocking. Any other error throws and the transaction rolls
// back: the caller fails the whole batch.
std::vector<append_outcome> journal_store::append_batch(const std::vector<append_item>& items) {
  if (items.empty()) return {};
  for (std::size_t i = 0; i < items.size(); ++i) detail::validate(items[i], i);  // before touching the database
  const auto needing_keys = detail::customers_needing_keys(items);
  const bool personal = touches_customers(items, needing_keys);

  return db_.native().run([&](pqxx::connection& conn) {
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
      detail::append_plan state{sealed.items, sealed.customers};
      for (std::size_t i = 0; i < items.size(); ++i)
        if (left_out[i]) state.mark_conflict(i);
      state.resolve_duplicates_within_batch();

      // 1. events and 2. idempotency keys
      std::vector<std::size_t> key_items;
      const auto events = state.events_parameter();
      const auto keys = state.keys_parameter(key_items);
      if (!detail::is_empty_array(events) || !detail::is_empty_array(keys)) {
        std::set<std::size_t> keys_not_inserted;
        for (const auto& row : txn.exec_prepared(sql::claim_events_and_keys.name, events, keys)) {
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

      // 4. timers the decisions made moot, 5. customers, the read model, the
      //    timers set and the emails owed
      if (auto cleared = state.timers_cleared_parameter(); !detail::is_empty_array(cleared))
        txn.exec_prepared(sql::clear_timers.name, cleared);
      auto customers = state.customers_parameter();
      auto orders = state.orders_parameter();
      auto timers = state.timers_set_parameter();
      auto outbox = state.outbox_parameter();
      if (!detail::is_empty_array(customers) || !detail::is_empty_array(orders) || !detail::is_empty_array(timers) ||
          !detail::is_empty_array(outbox))
        txn.exec_prepared(sql::write_rows.name, customers, orders, timers, outbox);
      // 6. webhook deliveries
      if (auto hooks = state.webhook_events_parameter(webhooks_.get()); !detail::is_empty_array(hooks))
        txn.exec_prepared(sql::insert_webhook_deliveries.name, hooks);
      // 7. payments taken back, payments counted, exceptions
      if (auto reversed = state.reversed_payments_parameter(); !detail::is_empty_array(reversed))
        txn.exec_prepared(sql::delete_reversed_payments.name, reversed);
      if (auto payments = state.payments_parameter(); !detail::is_empty_array(payments))
        txn.exec_prepared(sql::insert_payments.name, payments);
      if (auto exceptions = state.exceptions_parameter(); !detail::is_empty_array(exceptions))
        txn.exec_prepared(sql::insert_order_exceptions.name, exceptions);
      if (auto settled = state.settled_underpayments_parameter(); !detail::is_empty_array(settled))
        txn.exec_prepared(sql::settle_underpayments.name, settled);
      // 8. erasures, last: the mail they drop includes mail written above
      if (auto erased = state.erased_customers_parameter(); !detail::is_empty_array(erased))
        txn.exec_prepared(sql::erase_customers.name, erased);

      transaction.commit();
      return state.outcomes();
    }
  });
}

}  // namespace persistence
