-- The mailer claims pending mail in the order (next_attempt_at, id), half from
-- the newest end and half from the oldest. outbox_due (002) held
-- next_attempt_at alone, so for the newest half PostgreSQL read every due
-- row and sorted them by id as well: with checkouts queueing mail faster than
-- it goes out, a claim read and sorted the whole backlog (35 ms a claim
-- behind 40,000 waiting; docs/PERFORMANCE.md, Mailer). Indexed in the claim's
-- own order, either end is a walk of as many entries as the claim takes.
drop index outbox_due;
create index outbox_due on outbox (next_attempt_at, id) where status = 'pending';
