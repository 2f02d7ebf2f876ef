-- Personal data sealed at rest.
--
-- Every customer has a random data key, stored only wrapped by the master key
-- (security.master_key_file, never in the database); name, email and shipping
-- address are sealed under it (XChaCha20-Poly1305, bound to the row and the
-- column). So are the personal texts inside events, the read model's view and
-- the outbox (reviews, notes, messages, cancel reasons): there they are
-- {"$sealed": "..."} in place of the text. Deleting the data key erases all of
-- it at once (crypto-shredding), append-only journal included.

-- The engine cannot seal rows from before this migration in SQL: it refuses
-- to start on a database that holds plain personal data rather than leave it
-- in the clear or drop it.
do $$
begin
    if exists (select 1 from customers where name is not null or email is not null or shipping is not null) then
        raise exception 'customers holds plain personal data from before sealing; export it and empty the table first';
    end if;
end
$$;

create table customer_keys (
    ref         uuid        primary key,  -- customers.ref
    wrapped_key text        not null,     -- "<master key id>:<sealed data key>"
    created_at  timestamptz not null
);
create index customer_keys_by_master_key on customer_keys (split_part(wrapped_key, ':', 1));

drop index customers_by_email;
alter table customers drop column name;
alter table customers drop column email;
alter table customers drop column shipping;
alter table customers add column name_sealed     text;
alter table customers add column email_sealed    text;
alter table customers add column shipping_sealed text;
-- Keyed hash of the normalised address: the admin's search by email without
-- an address in the database.
alter table customers add column email_index     text;
alter table customers add column erased_at       timestamptz;
create index customers_by_email_index on customers (email_index);

-- The read model knows when an order closed (for retention), whether its
-- customer asked for erasure and when the customer was erased.
alter table orders add column closed_at            timestamptz;
alter table orders add column erasure_requested_at timestamptz;
alter table orders add column customer_erased_at   timestamptz;
create index orders_closed_unerased on orders (closed_at) where customer_erased_at is null and closed_at is not null;
create index orders_erasure_requested on orders (erasure_requested_at desc) where erasure_requested_at is not null;

-- Mail owed to a customer who was erased is dropped, not sent.
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
    check (status in ('pending', 'sent', 'dead', 'suppressed', 'dropped'));

-- The token secret is now derived from the shop's root key, which only the
-- master key unwraps: the old plain one must not stay behind.
delete from engine_secrets where name = 'access_keys';
