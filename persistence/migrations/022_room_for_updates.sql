-- Room on each page for the next version of its rows, so that a decision's
-- update of an order is HOT (heap-only: no new entry in any of the eight or
-- nine indexes that hold an order), and a claim of a due timer is too.
--
-- An order's row is about 1.3 kB (its view, sealed texts included). Packed
-- full, a page holds six and keeps no room: every reminder, payment or
-- shipment moved its order to another page and wrote an entry into every
-- index of orders. Filled to half, a page keeps room for one new version of
-- each of its rows, whatever their size: enough when all of a page's orders
-- change at once, in one transaction (orders placed together, their
-- reminders due together; docs/PERFORMANCE.md, Timers), which leaves no
-- moment to prune the old versions in between. Pages filled further (60 %)
-- kept room for most rows of 1.3 kB and not for rows of 1.4 kB. The price is
-- a heap about twice as large; the admin's and the customers' reads of orders
-- go by an index, so they read the same number of rows.
--
-- Only pages written from now on are laid out so; existing pages keep their
-- rows until they are updated or the table is rewritten (VACUUM FULL), which
-- this migration does not do behind the operator's back.
alter table orders set (fillfactor = 50);

-- Due timers are claimed many at once, in the order they fall due, and a
-- claimed row is longer than an unclaimed one (claimed_until was null); the
-- table is a small queue, so pages filled to 40 % cost little.
alter table timers set (fillfactor = 40);
