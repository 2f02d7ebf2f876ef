-- The journal's rows sent in PostgreSQL's binary form, one array of a
-- composite type per table (persistence/record_array.hpp), instead of JSON
-- (docs/PERFORMANCE.md, "Rows in PostgreSQL's binary form").
--
-- As JSON every row repeated its field names, and the server's JSON lexer
-- took each character of them and of every value apart before
-- json_to_recordset could convert the values: a fifth of the CPU of the
-- journal writer's database process, which is what a burst of checkouts
-- waits for. In binary form each field arrives typed and is read as it is;
-- the documents (an event's payload, an order's view, an email's payload)
-- travel inside their rows, so the arrays of migration 028 and their counts
-- are no longer needed.
--
-- The functions of 025-028 stay as they are, for an engine of before this
-- migration during a rolling upgrade; these are new overloads with the same
-- rules (migration 025 gives them, 027 the plain inserts of a new order).
-- An attribute added to one of these types must be added to the engine's
-- rows in the same place (append_plan.hpp); the server refuses rows whose
-- fields differ from the type's in number or type. Engines keep the types'
-- oids once they looked them up: a later migration adds types of its own
-- rather than dropping and creating these again under running engines.

create type journal_event as (item int, order_id uuid, seq bigint, type text, recorded_at_ms bigint, payload text);
create type journal_key as (item int, key text, fingerprint text, order_id uuid, created_at_ms bigint);
create type journal_timer_cleared as (order_id uuid, kind text);
create type journal_customer as (ref uuid, name text, email text, shipping text, email_index text, wrapped_key text,
                                 created_at_ms bigint);
create type journal_order as (id uuid, number text, status text, customer_ref uuid, payment_method text,
                              total_cents bigint, created_at_ms bigint, updated_at_ms bigint, version bigint,
                              payment_address text, quote_atomic text, outstanding_atomic text,
                              quoted_at_ms bigint, quote_expires_at_ms bigint, closed_at_ms bigint,
                              erasure_requested_at_ms bigint, customer_erased_at_ms bigint, refund_state text,
                              refund_due_atomic text, refunded_atomic text, refund_outstanding_atomic text,
                              kpi_paid boolean, kpi_processing_ms bigint, kpi_delivered boolean,
                              kpi_reviewed boolean, kpi_refunded_cents bigint, new_order boolean, view text);
create type journal_timer as (order_id uuid, kind text, due_at_ms bigint, new_order boolean);
create type journal_mail as (order_id uuid, kind text, created_at_ms bigint, payload text);
create type journal_hook as (order_id uuid, seq bigint, type text, payload text, at_ms bigint);

create function journal_write_rows(cleared journal_timer_cleared[], customers_in journal_customer[],
                                   orders_in journal_order[], timers_in journal_timer[], outbox_in journal_mail[],
                                   hooks journal_hook[])
returns void
language plpgsql as $$
begin
    if cardinality(cleared) > 0 then
        delete from timers t
        using unnest(cleared) as r
        where t.order_id = r.order_id and t.kind = r.kind;
    end if;

    with customer_keys_written as (
        insert into customer_keys (ref, wrapped_key, created_at)
        select ref, wrapped_key, timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
        from unnest(customers_in)
        order by ref
        on conflict (ref) do nothing
    ), customers_written as (
        insert into customers (ref, name_sealed, email_sealed, shipping_sealed, email_index, created_at)
        select ref, name, email, nullif(shipping, ''), email_index,
               timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
        from unnest(customers_in)
        order by ref
        on conflict (ref) do nothing
    ), order_input as (
        select distinct on (r.id) r.*
        from unnest(orders_in) as r
        order by r.id, r.version desc
    ), new_orders as (
        insert into orders (id, number, status, customer_ref, payment_method, total_cents,
                            created_at, updated_at, version, view, payment_address, quote_atomic,
                            outstanding_atomic, quoted_at, quote_expires_at, closed_at, erasure_requested_at,
                            customer_erased_at, refund_state, refund_due_atomic, refunded_atomic,
                            refund_outstanding_atomic)
        select r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
               timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
               r.version, r.view::json, nullif(r.payment_address, ''), r.quote_atomic::numeric,
               r.outstanding_atomic::numeric,
               timestamptz 'epoch' + r.quoted_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + r.quote_expires_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.closed_at_ms, 0) * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.erasure_requested_at_ms, 0) * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.customer_erased_at_ms, 0) * interval '1 millisecond',
               nullif(r.refund_state, ''), r.refund_due_atomic::numeric, r.refunded_atomic::numeric,
               r.refund_outstanding_atomic::numeric
        from order_input r
        where r.new_order
        order by r.id
    ), new_kpis as (
        insert into order_kpis (order_id, placed_on, total_cents, paid, processing_ms, delivered, reviewed,
                                refunded_cents)
        select i.id, ((timestamptz 'epoch' + i.created_at_ms * interval '1 millisecond') at time zone 'UTC')::date,
               i.total_cents, i.kpi_paid, i.kpi_processing_ms, i.kpi_delivered, i.kpi_reviewed, i.kpi_refunded_cents
        from order_input i
        where i.new_order
        order by i.id
    ), orders_written as (
        insert into orders as o (id, number, status, customer_ref, payment_method, total_cents,
                                 created_at, updated_at, version, view, payment_address, quote_atomic,
                                 outstanding_atomic, quoted_at, quote_expires_at, closed_at, erasure_requested_at,
                                 customer_erased_at, refund_state, refund_due_atomic, refunded_atomic,
                                 refund_outstanding_atomic)
        select r.id, r.number, r.status, r.customer_ref, r.payment_method, r.total_cents,
               timestamptz 'epoch' + r.created_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + r.updated_at_ms * interval '1 millisecond',
               r.version, r.view::json, nullif(r.payment_address, ''), r.quote_atomic::numeric,
               r.outstanding_atomic::numeric,
               timestamptz 'epoch' + r.quoted_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + r.quote_expires_at_ms * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.closed_at_ms, 0) * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.erasure_requested_at_ms, 0) * interval '1 millisecond',
               timestamptz 'epoch' + nullif(r.customer_erased_at_ms, 0) * interval '1 millisecond',
               nullif(r.refund_state, ''), r.refund_due_atomic::numeric, r.refunded_atomic::numeric,
               r.refund_outstanding_atomic::numeric
        from order_input r
        where r.new_order is not true
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
               i.total_cents, i.kpi_paid, i.kpi_processing_ms, i.kpi_delivered, i.kpi_reviewed, i.kpi_refunded_cents
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
    ), new_timers as (
        insert into timers (order_id, kind, due_at)
        select order_id, kind, timestamptz 'epoch' + due_at_ms * interval '1 millisecond'
        from unnest(timers_in)
        where new_order
        order by order_id, kind
    ), timers_written as (
        insert into timers as t (order_id, kind, due_at)
        select order_id, kind, timestamptz 'epoch' + due_at_ms * interval '1 millisecond'
        from unnest(timers_in)
        where new_order is not true
        order by order_id, kind
        on conflict (order_id, kind) do update set
            due_at = excluded.due_at,
            claimed_until = null
    )
    insert into outbox (order_id, kind, payload, created_at, next_attempt_at)
    select order_id, kind, payload::json,
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond',
           timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from unnest(outbox_in);

    if cardinality(hooks) > 0 then
        insert into webhook_deliveries (id, endpoint_id, order_id, event_seq, event_type, payload, created_at,
                                        next_attempt_at, retry_since)
        select 'msg_' || replace(gen_random_uuid()::text, '-', ''), w.id, r.order_id, r.seq, r.type, r.payload::jsonb,
               timestamptz 'epoch' + r.at_ms * interval '1 millisecond', now(), now()
        from unnest(hooks) as r
        join webhook_endpoints w on w.enabled and (r.type = any(w.events) or '*' = any(w.events))
        order by w.id, r.order_id, r.seq
        on conflict (endpoint_id, order_id, event_seq) do nothing;
    end if;
end
$$;

create function journal_append_at_once(access_path text, events_in journal_event[], keys_in journal_key[],
                                       cleared journal_timer_cleared[], customers_in journal_customer[],
                                       orders_in journal_order[], timers_in journal_timer[],
                                       outbox_in journal_mail[], hooks journal_hook[])
returns void
language plpgsql as $$
begin
    perform set_config('ccc.path', access_path, true), set_config('ccc.customer', '', true),
            set_config('ccc.mail', '', true), set_config('ccc.deliveries', '', true);

    insert into events (order_id, seq, type, payload, recorded_at)
    select order_id, seq, type, payload::json, timestamptz 'epoch' + recorded_at_ms * interval '1 millisecond'
    from unnest(events_in)
    order by order_id, seq;

    insert into idempotency_keys (key, fingerprint, order_id, created_at)
    select key, fingerprint, order_id, timestamptz 'epoch' + created_at_ms * interval '1 millisecond'
    from unnest(keys_in)
    order by key;

    perform journal_write_rows(cleared, customers_in, orders_in, timers_in, outbox_in, hooks);
end
$$;
