-- pgbench script: what one single-order checkout commits, as
-- journal_store::append_batch sends a batch of one item: one call of
-- journal_append_at_once (migrations 025-028) with its events, key, customer and
-- read model (the timers and emails it also writes are left out), the batch
-- parameters built here from pgbench variables instead of by json_rows and
-- text_array (the documents as SQL arrays here, in binary from the engine), and
-- sealed texts of the same length stood in by random ones.
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
    json_build_array(json_build_object(
        'item', 0,
        'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
        'seq', 1,
        'type', 'order_placed',
        'recorded_at_ms', floor(extract(epoch from now()) * 1000)::bigint)),
    array['{"number":"B-' || :order_hi::bigint || '","customer_ref":"' || lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0') || '","lines":[{"sku":"TN-450","quantity":2,"unit_cents":2299}],"payment_method":"btc","total_cents":' || :total_cents::bigint || '}'],
    json_build_array(json_build_object(
        'item', 0,
        'key', 'idem-' || :order_hi::bigint || '-' || :order_lo::bigint,
        'fingerprint', md5('body-' || :order_hi::bigint),
        'order_id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
        'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)),
    '[]',
    json_build_array(json_build_object(
        'ref', lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'),
        'name', repeat(md5(random()::text), 2),
        'email', repeat(md5(random()::text), 3),
        'shipping', repeat(md5(random()::text), 6),
        'email_index', left(md5(random()::text), 43),
        'wrapped_key', 'bench0000:' || repeat(md5(random()::text), 3),
        'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint)),
    json_build_array(json_build_object(
        'id', lpad(to_hex(:order_hi::bigint), 16, '0') || lpad(to_hex(:order_lo::bigint), 16, '0'),
        'number', 'B-' || :order_hi::bigint || '-' || :order_lo::bigint,
        'status', 'pending',
        'customer_ref', lpad(to_hex(:customer_hi::bigint), 16, '0') || lpad(to_hex(:customer_lo::bigint), 16, '0'),
        'payment_method', 'btc',
        'total_cents', :total_cents::bigint,
        'created_at_ms', floor(extract(epoch from now()) * 1000)::bigint,
        'updated_at_ms', floor(extract(epoch from now()) * 1000)::bigint,
        'version', 1,
        'quote_atomic', '71234',
        'outstanding_atomic', '71234',
        'quoted_at_ms', floor(extract(epoch from now()) * 1000)::bigint,
        'quote_expires_at_ms', floor(extract(epoch from now()) * 1000)::bigint + 3600000,
        'closed_at_ms', 0, 'erasure_requested_at_ms', 0, 'customer_erased_at_ms', 0,
        'refund_due_atomic', '0', 'refunded_atomic', '0', 'refund_outstanding_atomic', '0',
        'kpi_paid', 0, 'kpi_delivered', 0, 'kpi_reviewed', 0, 'kpi_refunded_cents', 0,
        'new_order', true)),
    array['{"status":"pending","lines":[{"sku":"TN-450","name":"Toner 450","quantity":2,"unit_cents":2299}],"total_cents":' || :total_cents::bigint || ',"payment":{"method":"btc","address":"bc1qbench","amount":"0.00071234","expires_at":"2026-01-01T01:00:00Z"},"history":[{"status":"pending"}]}'],
    '[]',
    '[]',
    '{}'::text[],
    '[]');
