-- Two indexes fewer for every checkout to write. The journal's one writer
-- process is what a burst of checkouts waits for, and a third of its CPU
-- goes to index inserts (docs/PERFORMANCE.md, "Documents beside the rows"):
--
-- The order number had two: the unique constraint on number, and
-- orders_by_number_prefix on lower(number) for the admin's search (by prefix,
-- case-insensitive) and the payment matcher's memo (case-insensitive). One
-- unique index on lower(number) serves all three; numbers are the engine's
-- own (a prefix and a block of the order_number_blocks sequence), so none
-- differ in case alone.
--
-- customer_keys_by_master_key indexed each customer's data key by the master
-- key wrapping it, for `order_engine keys rotate` alone, which now walks the
-- table in primary key order instead (persistence/key_rotation.cpp).
--
-- The unique index is built while the table is locked, once, at the first
-- start after the upgrade: 0.7 s for a million order numbers here.
create unique index orders_by_number on orders (lower(number) text_pattern_ops);
alter table orders drop constraint orders_number_key;
drop index orders_by_number_prefix;
drop index customer_keys_by_master_key;
