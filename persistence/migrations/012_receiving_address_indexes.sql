-- One receiving address per order, and never one address for two orders.
--
-- A per-order address is a child of the shop's account key (<account>/0/i for
-- Bitcoin and Ethereum) or a subaddress of the shop's Monero wallet account.
-- Two orders on one index would share an address, and a payment to it could
-- not tell them apart, so the index is unique here whichever node, process or
-- rebuilt wallet hands it out.
--
-- coin:    the index space: the coin whose key or wallet makes the address
--          (USDC paid to ETH's addresses draws from ETH's space)
-- account: which account of that coin: a fingerprint of the public key, or
--          the Monero wallet's account index
create table receiving_address_indexes (
    coin             text        not null,
    account          text        not null,
    derivation_index bigint      not null check (derivation_index >= 0 and derivation_index < 2147483648),
    address          text        not null,
    order_id         uuid        not null,
    created_at       timestamptz not null default now(),
    primary key (coin, account, derivation_index)
);
-- A retried checkout (same Idempotency-Key, same order id) gets its address again.
create unique index receiving_address_indexes_order on receiving_address_indexes (coin, account, order_id);

-- The next index of a derived account: handed out in order, so that the shop's
-- wallet (which looks a gap limit past the last address it saw paid) finds them.
create table receiving_address_counters (
    coin       text   not null,
    account    text   not null,
    next_index bigint not null,
    primary key (coin, account)
);

grant select, insert on receiving_address_indexes to ccc_app;
grant select, insert on receiving_address_counters to ccc_app;
grant update (next_index) on receiving_address_counters to ccc_app;
