-- pgbench script: what one single-order checkout commits, as
-- journal_store::append_batch sends a batch of one item: one call of
-- journal_append_at_once (migrations 025-030) with its events, key, customer and
-- read model (the timers and emails it also writes are left out), the rows
-- built here from pgbench variables by row constructors instead of by
-- record_array (which sends them in binary form), and sealed texts of the
-- same length stood in by random ones.
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

select journal_append_at_once(
    'journal',
    array[row(0, (lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'))::uuid,
              1, 'order_placed', floor(extract(epoch from now()) * 1000)::bigint,
              '{"number":"B-' || :order_hi::bigint || '","customer_ref":"' || lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0') || '","lines":[{"sku":"TN-450","quantity":2,"unit_cents":2299}],"payment_method":"btc","total_cents":' || :total_cents::bigint || '}'
          )::journal_event],
    array[row(0, 'idem-' || :order_hi::bigint || '-' || :order_lo::bigint, md5('body-' || :order_hi::bigint),
              (lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'))::uuid,
              floor(extract(epoch from now()) * 1000)::bigint)::journal_key],
    '{}'::journal_timer_cleared[],
    array[row((lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'))::uuid,
              repeat(md5(random()::text), 2), repeat(md5(random()::text), 3), repeat(md5(random()::text), 6),
              left(md5(random()::text), 43), 'bench0000:' || repeat(md5(random()::text), 3),
              floor(extract(epoch from now()) * 1000)::bigint)::journal_customer],
    array[row((lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'))::uuid,
              'B-' || :order_hi::bigint || '-' || :order_lo::bigint, 'pending',
              (lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'))::uuid,
              'btc', :total_cents::bigint,
              floor(extract(epoch from now()) * 1000)::bigint, floor(extract(epoch from now()) * 1000)::bigint, 1,
              '', '71234', '71234',
              floor(extract(epoch from now()) * 1000)::bigint, floor(extract(epoch from now()) * 1000)::bigint + 3600000,
              0, 0, 0, '', '0', '0', '0',
              false, null, false, false, 0, true,
              '{"status":"pending","lines":[{"sku":"TN-450","name":"Toner 450","quantity":2,"unit_cents":2299}],"total_cents":' || :total_cents::bigint || ',"payment":{"method":"btc","address":"bc1qbench","amount":"0.00071234","expires_at":"2026-01-01T01:00:00Z"},"history":[{"status":"pending"}]}'
          )::journal_order],
    '{}'::journal_timer[],
    '{}'::journal_mail[],
    '{}'::journal_hook[]);
