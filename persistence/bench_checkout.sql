-- pgbench script: what one single-order checkout commits, statement for
-- statement as store::append_batch sends a batch of one item (see
-- statements.cpp: append_events, claim_idempotency_keys, insert_customers,
-- upsert_orders), with the batch parameters built here from pgbench
-- variables instead of by json_rows. Keep it in step with statements.cpp.
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

with input as (
    select *
    from json_to_recordset(json_build_array(json_build_object(
            'item', 0,
            'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
            'seq', 1,
            'type', 'order_placed',
            'payload', '{"number":"B-' || :order_hi::bigint || '","customer_ref":"' || lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0') || '","lines":[{"sku":"TN-450","quantity":2,"unit_cents":2299}],"payment_method":"btc","total_cents":' || :total_cents::bigint || '}',
            'recorded_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
         as e(item int, order_id uuid, seq bigint, type text, payload text, recorded_at_ms bigint)
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
where not exists (select 1 from inserted x where x.order_id = i.order_id and x.seq = i.seq);

with input as (
    select *
    from json_to_recordset(json_build_array(json_build_object(
            'item', 0,
            'key', 'idem-' || :order_hi::bigint || '-' || :order_lo::bigint,
            'fingerprint', md5('body-' || :order_hi::bigint),
            'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
            'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
         as k(item int, key text, fingerprint text, order_id uuid, created_at_ms bigint)
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
where not exists (select 1 from inserted x where x.key = i.key and x.order_id = i.order_id);

insert into customers (ref, name, email, shipping, created_at)
select ref, name, email, shipping::jsonb,
       timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
from json_to_recordset(json_build_array(json_build_object(
        'ref', lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'),
        'name', 'Bench Customer',
        'email', 'bench-' || :customer_hi::bigint || '@example.com',
        'shipping', '{"line1":"1 Main St","city":"Cleveland","region":"OH","postal_code":"44101","country":"US"}',
        'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)))
     as c(ref uuid, name text, email text, shipping text, created_at_ms bigint)
order by ref
on conflict (ref) do nothing;

insert into orders as o (id, number, status, customer_ref, payment_method, total_cents,
                         created_at, updated_at, version, view)
select distinct on (r.id)
       r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
       timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
       timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
       r.version, r.view::jsonb
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
        'view', '{"status":"pending","lines":[{"sku":"TN-450","name":"Toner 450","quantity":2,"unit_cents":2299}],"total_cents":' || :total_cents::bigint || ',"payment":{"method":"btc","address":"bc1qbench","amount":"0.00071234","expires_at":"2026-01-01T01:00:00Z"},"history":[{"status":"pending"}]}')))
     as r(id uuid, number text, status text, customer_ref uuid, payment_method text,
          total_cents bigint, created_at_ms bigint, updated_at_ms bigint, version bigint,
          view text)
order by r.id, r.version desc
on conflict (id) do update set
    number = excluded.number,
    status = excluded.status,
    customer_ref = excluded.customer_ref,
    payment_method = excluded.payment_method,
    total_cents = excluded.total_cents,
    updated_at = excluded.updated_at,
    version = excluded.version,
    view = excluded.view
where o.version < excluded.version;

COMMIT;
