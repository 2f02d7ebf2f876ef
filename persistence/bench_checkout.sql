-- pgbench script: what one single-order checkout commits, statement for
-- statement as journal_store::append_batch sends a batch of one item (see
-- persistence/journal_store.cpp: claim_events_and_keys, then write_rows with
-- its customers and read-model parts only: the timers and emails it also
-- writes are left out), with the batch parameters built here from
-- pgbench variables instead of by json_rows, and sealed texts of the same
-- length stood in by random ones. Keep it in step with journal_store.cpp.
--
-- Against a migrated database:
--   pgbench -n -f persistence/bench_checkout.sql -c 8 -j 2 -T 5 "$URL"
-- tps is then single-order checkouts per second without group commit: the
-- floor that batching (group commit) has to beat.

-- Random 128-bit ids as two 63-bit halves; collisions are out of reach.
\set order_hi random(1, 9223372036854775806)
\set order_lo random(1, 9223372036854775806)
\set customer_hi random(1, 9223372036854775806)
\set customer_lo random(1, 9223372036854775806)
\set total_cents random(999, 49999)

BEGIN;

with event_input as (
    select *
    from json_to_recordset(json_build_array(json_build_object(
            'item', 0,
            'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
            'seq', 1,
            'type', 'order_placed',
            'payload', '{"number":"B-' || :order_hi::bigint || '","customer_ref":"' || lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0') || '","lines":[{"sku":"TN-450","quantity":2,"unit_cents":2299}],"payment_method":"btc","total_cents":' || :total_cents::bigint || '}',
            'recorded_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
         as e(item int, order_id uuid, seq bigint, type text, payload text, recorded_at_ms bigint)
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
    from json_to_recordset(json_build_array(json_build_object(
            'item', 0,
            'key', 'idem-' || :order_hi::bigint || '-' || :order_lo::bigint,
            'fingerprint', md5('body-' || :order_hi::bigint),
            'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
            'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
         as k(item int, key text, fingerprint text, order_id uuid, created_at_ms bigint)
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
where not exists (select 1 from keys_inserted x where x.key = k.key and x.order_id = k.order_id);

with customer_input as (
    select *
    from json_to_recordset(json_build_array(json_build_object(
            'ref', lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'),
            'name', repeat(md5(random()::text), 2),
            'email', repeat(md5(random()::text), 3),
            'shipping', repeat(md5(random()::text), 6),
            'email_index', left(md5(random()::text), 43),
            'wrapped_key', 'bench0000:' || repeat(md5(random()::text), 3),
            'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
         as c(ref uuid, name text, email text, shipping text, email_index text, wrapped_key text,
              created_at_ms bigint)
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
    from json_to_recordset(json_build_array(json_build_object(
            'id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
            'number', 'B-' || :order_hi::bigint || '-' || :order_lo::bigint,
            'status', 'pending',
            'customer_ref', lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'),
            'payment_method', 'btc',
            'total_cents', :total_cents::bigint,
            'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint,
            'updated_at_ms', floor(extract(epoch from now()) * 1000)::bigint,
            'version', 1,
            'view', '{"status":"pending","lines":[{"sku":"TN-450","name":"Toner 450","quantity":2,"unit_cents":2299}],"total_cents":' || :total_cents::bigint || ',"payment":{"method":"btc","address":"bc1qbench","amount":"0.00071234","expires_at":"2026-01-01T01:00:00Z"},"history":[{"status":"pending"}]}',
            'quote_atomic', '71234',
            'kpi_paid', 0, 'kpi_delivered', 0, 'kpi_reviewed', 0, 'kpi_refunded_cents', 0)))
         as r(id uuid, number text, status text, customer_ref uuid, payment_method text,
              total_cents bigint, created_at_ms bigint, updated_at_ms bigint, version bigint,
              view text, quote_atomic text, kpi_paid int, kpi_processing_ms bigint, kpi_delivered int,
              kpi_reviewed int, kpi_refunded_cents bigint)
    order by r.id, r.version desc
), orders_written as (
    insert into orders as o (id, number, status, customer_ref, payment_method, total_cents,
                             created_at, updated_at, version, view, quote_atomic)
    select r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
           timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
           timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
           r.version, r.view::jsonb, r.quote_atomic::numeric
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
        quote_atomic = excluded.quote_atomic
    where o.version < excluded.version
    returning o.id
)
insert into order_kpis as k (order_id, placed_on, total_cents, paid, processing_ms, delivered, reviewed,
                             refunded_cents)
select i.id, ((timestamptz 'epoch' + i.created_at_ms * interval '1 millisecond') at time zone 'UTC')::date,
       i.total_cents, i.kpi_paid = 1, i.kpi_processing_ms, i.kpi_delivered = 1, i.kpi_reviewed = 1,
       i.kpi_refunded_cents
from order_input i
join orders_written w on w.id = i.id
order by i.id
on conflict (order_id) do nothing;

COMMIT;
