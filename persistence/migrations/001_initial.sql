-- Initial schema of the order engine.
-- Applied by persistence::migrate() inside one transaction and recorded in
-- schema_migrations (which migrate() creates itself, before any file runs).

-- The journal: an order's truth. Append-only; the primary key is what makes
-- two writers of the same order collide instead of both succeeding.
create table events (
    order_id    uuid        not null,
    seq         bigint      not null check (seq >= 1),
    type        text        not null,
    payload     jsonb       not null,
    recorded_at timestamptz not null,
    primary key (order_id, seq)
);

-- Read model: what listing and lookup pages need without replaying events.
-- `version` is the seq of the last event folded into the row, so an older
-- writer can never overwrite a newer row.
create table orders (
    id             uuid        primary key,
    number         text        not null unique,
    status         text        not null,
    customer_ref   uuid        not null,
    payment_method text        not null,
    total_cents    bigint      not null,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    version        bigint      not null,
    view           jsonb       not null
);
-- Admin listing is newest first with keyset paging on (created_at, id).
create index orders_newest_first on orders (created_at desc, id desc);
create index orders_by_status on orders (status, created_at desc, id desc);
-- Search by number is case-insensitive and by prefix (`ccc-0001` finds CCC-000123).
create index orders_by_number_prefix on orders (lower(number) text_pattern_ops);
-- Search by customer email goes customers -> orders.
create index orders_by_customer on orders (customer_ref);

-- Personal data lives only here; events carry customer_ref alone.
-- Columns are nullable so that erasure can blank them while the ref stays.
create table customers (
    ref        uuid        primary key,
    name       text,
    email      text,
    shipping   jsonb,
    created_at timestamptz
);
create index customers_by_email on customers (lower(email));

-- A repeated checkout with the same Idempotency-Key finds the order it made.
create table idempotency_keys (
    key         text        primary key,
    fingerprint text        not null,
    order_id    uuid        not null,
    created_at  timestamptz not null default now()
);

create table products (
    sku         text        primary key,
    name        text        not null,
    description text        not null default '',
    price_cents bigint      not null check (price_cents >= 0),
    image_url   text        not null default '',
    stock       integer     not null default 0,
    position    integer     not null default 0,
    updated_at  timestamptz not null default now()
);
create index products_display_order on products (position, sku);

-- Each nextval hands one node a block of 100 order numbers:
-- block b covers (b-1)*100+1 .. b*100, so nodes never share a number.
create sequence order_number_blocks as bigint start with 1 increment by 1 no cycle;

-- Secrets every node must agree on (e.g. the key that signs access tokens):
-- the first node to start stores its candidate, the others read it.
create table engine_secrets (
    name       text        primary key,
    value      text        not null,
    created_at timestamptz not null default now()
);
