-- Payment verification: the read model's payment columns that the
-- matcher looks orders up by, every payment counted, and the admin's exceptions.

-- payment_address is set only for an address made for the order alone (a
-- subaddress): the coin's static address identifies nobody. outstanding_atomic
-- is what is still due (quote - received), 0 once paid.
alter table orders
    add column payment_address    text,
    add column quote_atomic       numeric(40, 0),
    add column outstanding_atomic numeric(40, 0),
    add column quoted_at          timestamptz,
    add column quote_expires_at   timestamptz;
create index orders_by_payment_address on orders (payment_address) where payment_address is not null;
-- Matching by amount: the live orders of a coin that still wait for exactly this much.
create index orders_pending_by_outstanding on orders (payment_method, outstanding_atomic)
    where status = 'pending';
-- The admin's hint for a payment that fits an order no longer open (paid, cancelled, expired).
create index orders_by_quote_amount on orders (payment_method, quote_atomic);
-- The customer's "I paid" claims, found by tx id.
create index events_claimed_txid on events (lower(payload ->> 'tx_id')) where type = 'payment_claimed';

-- Every payment counted, once per (coin, txid) whatever source saw it: written
-- in the transaction of the order's payment_received event, or with the
-- exception it became. Tx ids are stored trimmed and in lower case.
create table payments (
    coin           text           not null,
    txid           text           not null,
    amount_atomic  numeric(40, 0) not null,
    source         text           not null,
    received_at    timestamptz    not null,
    counted_at     timestamptz    not null,
    order_id       uuid,          -- null while it is an open exception
    primary key (coin, txid)
);
create index payments_by_order on payments (order_id) where order_id is not null;

-- Payments the matcher could not settle by itself. Rows are never deleted:
-- assign and dismiss change the status and record who and why (audit).
create table payment_exceptions (
    id             bigserial      primary key,
    coin           text           not null,
    txid           text           not null,
    amount_atomic  numeric(40, 0) not null,
    received_at    timestamptz    not null,
    memo           text,
    reason         text           not null,
    source         text           not null,
    status         text           not null default 'open'
                   check (status in ('open', 'resolved', 'dismissed')),
    order_id       uuid,          -- the order it names or was assigned to
    created_at     timestamptz    not null,
    resolved_at    timestamptz,
    resolved_by    text,
    resolution     text
);
create index payment_exceptions_by_status on payment_exceptions (status, created_at desc, id desc);
