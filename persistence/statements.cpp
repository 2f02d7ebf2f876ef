#include "persistence/statements.hpp"

// Conventions used throughout:
// - Timestamps cross the wire as int64 milliseconds since the epoch:
//   in:  timestamptz 'epoch' + ms * interval '1 millisecond'   (exact, no float)
//   out: floor(extract(epoch from ts) * 1000)::bigint          (numeric in PG 14+, exact)
// - Batches cross the wire as ONE json array parameter per table, unpacked
//   with json_to_recordset, so a batch of any size costs the same number of
//   round trips. `json`, not `jsonb`: the array is read once, so building a
//   jsonb tree for it would be wasted work. Embedded documents (payload,
//   view, shipping) travel as JSON strings and are cast ::jsonb here, which
//   validates them (see json_rows.hpp).
// - Multi-row writes insert in key order (ORDER BY the conflict key). Two
//   batches touching the same keys then wait for each other in the same
//   order and never deadlock; they see a conflict instead.

namespace persistence::sql {

// Returns the (item, seq) pairs that did NOT insert because another writer
// already holds them. The common case (no conflict) returns no rows, and the
// caller needs only the missing pairs: they mark the conflicting items and
// tell which of their events this transaction did insert.
const named_statement append_events{"append_events", R"sql(
with input as (
    select *
    from json_to_recordset($1::json) as e(item int, order_id uuid, seq bigint, type text,
                                          payload text, recorded_at_ms bigint)
), inserted as (
    insert into events (order_id, seq, type, payload, recorded_at)
    select order_id, seq, type, payload::jsonb,
           timestamptz 'epoch' + recorded_at_ms * interval '1 millisecond'
    from input
    order by order_id, seq
    on conflict (order_id, seq) do nothing
    returning order_id, seq
)
select i.item, i.seq
from input i
where not exists (select 1 from inserted x where x.order_id = i.order_id and x.seq = i.seq)
)sql"};

// Returns the items whose key did not insert (someone holds it already).
// DO NOTHING rather than an error: one taken key must not abort the batch.
const named_statement claim_idempotency_keys{"claim_idempotency_keys", R"sql(
with input as (
    select *
    from json_to_recordset($1::json) as k(item int, key text, fingerprint text, order_id uuid,
                                          created_at_ms bigint)
), inserted as (
    insert into idempotency_keys (key, fingerprint, order_id, created_at)
    select key, fingerprint, order_id,
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from input
    order by key
    on conflict (key) do nothing
    returning key, order_id
)
select i.item
from input i
where not exists (select 1 from inserted x where x.key = i.key and x.order_id = i.order_id)
)sql"};

// Of the keys that did not insert, the ones held by another order. This must
// be a statement of its own: under READ COMMITTED it takes a fresh snapshot
// and so sees a key that a concurrent transaction committed while
// claim_idempotency_keys waited for it, which that statement's snapshot
// could not.
const named_statement foreign_idempotency_keys{"foreign_idempotency_keys", R"sql(
select k.item
from json_to_recordset($1::json) as k(item int, key text, order_id uuid)
where not exists (select 1 from idempotency_keys s where s.key = k.key and s.order_id = k.order_id)
)sql"};

// Only ever given pairs this transaction inserted itself (see store.cpp).
const named_statement delete_events{"delete_events", R"sql(
delete from events e
using json_to_recordset($1::json) as d(order_id uuid, seq bigint)
where e.order_id = d.order_id and e.seq = d.seq
)sql"};

const named_statement delete_idempotency_keys{"delete_idempotency_keys", R"sql(
delete from idempotency_keys k
using json_to_recordset($1::json) as d(key text, order_id uuid)
where k.key = d.key and k.order_id = d.order_id
)sql"};

// A customer ref is created once; a retry must not overwrite it.
const named_statement insert_customers{"insert_customers", R"sql(
insert into customers (ref, name, email, shipping, created_at)
select ref, name, email, shipping::jsonb,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as c(ref uuid, name text, email text, shipping text,
                                      created_at_ms bigint)
order by ref
on conflict (ref) do nothing
)sql"};

// The read model only moves forward: a row is replaced only by a higher
// version, whatever order writers commit in. DISTINCT ON keeps the highest
// version of an order appearing twice in one batch (and avoids "ON CONFLICT
// DO UPDATE command cannot affect row a second time"). created_at is not
// updated: it is the order's birth and the listing's paging key.
const named_statement upsert_orders{"upsert_orders", R"sql(
insert into orders as o (id, number, status, customer_ref, payment_method, total_cents,
                         created_at, updated_at, version, view, payment_address, quote_atomic,
                         outstanding_atomic, quoted_at, quote_expires_at)
select distinct on (r.id)
       r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
       timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
       r.version, r.view::jsonb, nullif(r.payment_address, ''), r.quote_atomic::numeric,
       r.outstanding_atomic::numeric,
       timestamptz 'epoch' + r.quoted_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + r.quote_expires_at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as r(id uuid, number text, status text, customer_ref uuid,
                                      payment_method text, total_cents bigint,
                                      created_at_ms bigint, updated_at_ms bigint,
                                      version bigint, view text, payment_address text,
                                      quote_atomic text, outstanding_atomic text,
                                      quoted_at_ms bigint, quote_expires_at_ms bigint)
order by r.id, r.version desc
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
    quote_expires_at = excluded.quote_expires_at
where o.version < excluded.version
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

// Of the given (coin, txid) pairs, the ones counted before.
const named_statement counted_payments{"counted_payments", R"sql(
select p.coin, p.txid
from json_to_recordset($1::json) as k(coin text, txid text)
join payments p on p.coin = k.coin and p.txid = k.txid
)sql"};

// Every order a payment could be for, per lookup row `i` (see
// store::payment_candidates): live orders of the coin still owing an amount in
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
       o.view ? 'review'
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

const named_statement metrics_orders{"metrics_orders", "select status, count(*) from orders group by status"};

const named_statement metrics_queues{"metrics_queues", R"sql(
select (select count(*) from outbox where status = 'pending'),
       (select count(*) from outbox where status = 'dead'),
       (select count(*) from timers where due_at <= now()),
       (select count(*) from payment_exceptions where status = 'open')
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

// Timers and emails a decision wants, written with its events (rules 2, 3).
// Clearing runs before setting; one decision never does both to one kind.
const named_statement clear_timers{"clear_timers", R"sql(
delete from timers t
using json_to_recordset($1::json) as r(order_id uuid, kind text)
where t.order_id = r.order_id and t.kind = r.kind
)sql"};

// A timer set again (say, a new reminder) replaces the old one and drops any
// lease on it: the new due time is a new timer.
const named_statement set_timers{"set_timers", R"sql(
insert into timers as t (order_id, kind, due_at)
select order_id, kind, timestamptz 'epoch' + due_at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as r(order_id uuid, kind text, due_at_ms bigint)
order by order_id, kind
on conflict (order_id, kind) do update set
    due_at = excluded.due_at,
    claimed_until = null
)sql"};

const named_statement insert_outbox{"insert_outbox", R"sql(
insert into outbox (order_id, kind, payload, created_at, next_attempt_at)
select order_id, kind, payload::jsonb,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
from json_to_recordset($1::json) as r(order_id uuid, kind text, payload text, created_at_ms bigint)
)sql"};

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

// The mailer's side of the outbox: claim with a lease like the timers, then
// settle each message as sent, or failed with the next attempt's time (or dead).
#define OUTBOX_COLUMNS                                                                                  \
  "o.id, o.order_id::text, o.kind, o.payload::text, o.attempts, o.status, coalesce(o.last_error, ''), " \
  "floor(extract(epoch from o.created_at) * 1000)::bigint"
const named_statement claim_outbox{"claim_outbox",
                                   "update outbox o"
                                   " set claimed_until = now() + $2::bigint * interval '1 millisecond'"
                                   " from (select id from outbox"
                                   "       where status = 'pending' and next_attempt_at <= now()"
                                   "         and (claimed_until is null or claimed_until < now())"
                                   "       order by next_attempt_at, id limit $1"
                                   "       for update skip locked) due"
                                   " where o.id = due.id"
                                   " returning " OUTBOX_COLUMNS};

const named_statement outbox_sent{"outbox_sent", R"sql(
update outbox set status = 'sent', sent_at = now(), claimed_until = null, last_error = null
where id = $1
)sql"};

// $2 error, $3 wait before the next attempt in ms, $4 max attempts.
const named_statement outbox_failed{"outbox_failed", R"sql(
update outbox
set attempts = attempts + 1,
    last_error = $2,
    claimed_until = null,
    next_attempt_at = now() + $3::bigint * interval '1 millisecond',
    status = case when attempts + 1 >= $4 then 'dead' else 'pending' end
where id = $1
returning status
)sql"};

const named_statement dead_outbox{"dead_outbox", "select " OUTBOX_COLUMNS
                                                 " from outbox o where o.status = 'dead'"
                                                 " order by o.created_at desc, o.id desc limit $1"};

// The admin sends a dead message again: a fresh set of attempts, at once.
const named_statement retry_outbox{"retry_outbox", R"sql(
update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = null
where id = $1 and status = 'dead'
)sql"};
#undef OUTBOX_COLUMNS

const named_statement release_timers{"release_timers", R"sql(
delete from timers t
using json_to_recordset($1::json) as r(order_id uuid, kind text, due_at_ms bigint)
where t.order_id = r.order_id and t.kind = r.kind
  and t.due_at = timestamptz 'epoch' + r.due_at_ms * interval '1 millisecond'
)sql"};

const named_statement load_events{"load_events", R"sql(
select order_id::text, seq, type, payload::text,
       floor(extract(epoch from recorded_at) * 1000)::bigint
from events
where order_id = $1::uuid
order by seq
)sql"};

#define ORDER_COLUMNS                                                        \
  "o.id::text, o.number, o.status, o.customer_ref::text, o.payment_method, " \
  "o.total_cents, floor(extract(epoch from o.created_at) * 1000)::bigint, "  \
  "floor(extract(epoch from o.updated_at) * 1000)::bigint, o.version, o.view::text"

const named_statement find_order{"find_order", "select " ORDER_COLUMNS " from orders o where o.id = $1::uuid"};

const named_statement find_order_by_number{"find_order_by_number",
                                           "select " ORDER_COLUMNS " from orders o where o.number = $1"};

// Keyset paging: a page starts strictly after the (created_at, id) of the
// previous page's last row, which stays right while orders are added (no
// duplicates, no gaps) and costs an index range scan at any depth. The
// cursor is carried in microseconds so it compares exactly with the stored
// value; the first page passes a point past every order (~year 192000).
// Column 10 is that cursor value for the row. Four variants instead of one
// statement full of `$n is null or ...`, so every filter can use its index
// in a plan PostgreSQL may cache.
//
// A search is a UNION of two branches rather than `number like .. OR
// customer_ref in (..)`: an OR across two indexes leaves PostgreSQL walking
// the whole newest-first index (100 ms at 66k orders), while each branch
// alone is an index lookup (by number prefix, by email -> customer_ref)
// whose few matches are then sorted; each branch stops at the page size.
// $like is an order-number prefix with LIKE's wildcards escaped; $email the
// raw query.
#define LIST_COLUMNS ORDER_COLUMNS ", floor(extract(epoch from o.created_at) * 1000000)::bigint"
#define AFTER_CURSOR        \
  "(o.created_at, o.id) < " \
  "(timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::uuid)"
#define NEWEST_FIRST " order by o.created_at desc, o.id desc limit $3"
#define SEARCH(status_condition, like, email)                                                                    \
  "select * from ("                                                                                              \
  "(select " LIST_COLUMNS                                                                                        \
  ", o.created_at as sort_at, o.id as sort_id from orders o "                                                    \
  " where " AFTER_CURSOR status_condition "   and lower(o.number) like lower(" like ") escape '\\'" NEWEST_FIRST \
  ")"                                                                                                            \
  " union "                                                                                                      \
  "(select " LIST_COLUMNS                                                                                        \
  ", o.created_at as sort_at, o.id as sort_id from orders o "                                                    \
  " where " AFTER_CURSOR status_condition                                                                        \
  "   and o.customer_ref in (select c.ref from customers c"                                                      \
  "                          where lower(c.email) = lower(" email "))" NEWEST_FIRST                              \
  ")"                                                                                                            \
  ") as matches order by sort_at desc, sort_id desc limit $3"

const named_statement list_orders{"list_orders",
                                  "select " LIST_COLUMNS " from orders o where " AFTER_CURSOR NEWEST_FIRST};
const named_statement list_orders_by_status{"list_orders_by_status",
                                            "select " LIST_COLUMNS " from orders o where " AFTER_CURSOR
                                            " and o.status = $4" NEWEST_FIRST};
const named_statement list_orders_by_query{"list_orders_by_query", SEARCH("", "$4", "$5")};
const named_statement list_orders_by_status_and_query{"list_orders_by_status_and_query",
                                                      SEARCH(" and o.status = $4", "$5", "$6")};

#undef SEARCH
#undef NEWEST_FIRST
#undef AFTER_CURSOR
#undef LIST_COLUMNS
#undef ORDER_COLUMNS

const named_statement find_customer{"find_customer", R"sql(
select ref::text, name, email, shipping::text,
       floor(extract(epoch from created_at) * 1000)::bigint
from customers
where ref = $1::uuid
)sql"};

const named_statement load_products{"load_products", R"sql(
select sku, name, description, price_cents, image_url, stock, position
from products
order by position, sku
)sql"};

const named_statement upsert_products{"upsert_products", R"sql(
insert into products as p (sku, name, description, price_cents, image_url, stock, position,
                           updated_at)
select sku, name, description, price_cents, image_url, stock, position, now()
from json_to_recordset($1::json) as r(sku text, name text, description text,
                                      price_cents bigint, image_url text, stock int,
                                      position int)
order by sku
on conflict (sku) do update set
    name = excluded.name,
    description = excluded.description,
    price_cents = excluded.price_cents,
    image_url = excluded.image_url,
    stock = excluded.stock,
    position = excluded.position,
    updated_at = excluded.updated_at
)sql"};

const named_statement next_order_number_block{"next_order_number_block", "select nextval('order_number_blocks')"};

// Two statements, each in its own implicit transaction: after the insert
// finds a concurrent node's row (waiting for it to commit), the select's
// fresh snapshot sees that row.
const named_statement insert_secret{"insert_secret", R"sql(
insert into engine_secrets (name, value) values ($1, $2) on conflict (name) do nothing
)sql"};

const named_statement select_secret{"select_secret", "select value from engine_secrets where name = $1"};

const named_statement ping{"ping", "select 1"};

const std::vector<const named_statement*>& store_statements() {
  static const std::vector<const named_statement*> all{
      &append_events,
      &claim_idempotency_keys,
      &foreign_idempotency_keys,
      &delete_events,
      &delete_idempotency_keys,
      &insert_customers,
      &upsert_orders,
      &load_events,
      &find_order,
      &find_order_by_number,
      &list_orders,
      &list_orders_by_status,
      &list_orders_by_query,
      &list_orders_by_status_and_query,
      &find_customer,
      &load_products,
      &upsert_products,
      &next_order_number_block,
      &insert_secret,
      &select_secret,
      &ping,
      &clear_timers,
      &set_timers,
      &insert_outbox,
      &claim_due_timers,
      &release_timers,
      &claim_outbox,
      &outbox_sent,
      &outbox_failed,
      &dead_outbox,
      &retry_outbox,
      &insert_payments,
      &insert_order_exceptions,
      &settle_underpayments,
      &counted_payments,
      &payment_candidates,
      &record_exceptions,
      &list_exceptions,
      &find_exception,
      &close_exception,
      &count_event,
      &kpi_orders,
      &kpi_checkouts,
      &metrics_orders,
      &metrics_queues,
  };
  return all;
}

// `create table if not exists` and migration files may emit NOTICEs that
// libpqxx would print to stderr on every start.
const named_statement quiet_notices{"quiet_notices", "set client_min_messages = warning"};

// Session-level, so it spans the per-file transactions; released explicitly
// or when the connection closes (a crashed node cannot keep it).
const named_statement lock_migrations{"lock_migrations",
                                      "select pg_advisory_lock(hashtext('order_engine.migrations'))"};
const named_statement unlock_migrations{"unlock_migrations",
                                        "select pg_advisory_unlock(hashtext('order_engine.migrations'))"};

const named_statement create_schema_migrations{"create_schema_migrations", R"sql(
create table if not exists schema_migrations (
    version    integer     primary key,
    name       text        not null,
    applied_at timestamptz not null default now()
)
)sql"};

const named_statement applied_migrations{"applied_migrations",
                                         "select version from schema_migrations order by version"};

const named_statement record_migration{"record_migration",
                                       "insert into schema_migrations (version, name) values ($1, $2)"};

const std::vector<const named_statement*>& migration_statements() {
  static const std::vector<const named_statement*> all{
      &quiet_notices,      &lock_migrations,  &unlock_migrations, &create_schema_migrations,
      &applied_migrations, &record_migration,
  };
  return all;
}

std::string create_database(const std::string& quoted_name) {
  return "create database " + quoted_name;
}

// WITH (FORCE) ends sessions a crashed test left behind (PostgreSQL 13+).
std::string drop_database(const std::string& quoted_name) {
  return "drop database if exists " + quoted_name + " with (force)";
}

}  // namespace persistence::sql
