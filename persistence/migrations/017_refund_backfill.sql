-- Orders that came to owe a refund before migration 013 (paid, then
-- cancelled; or paid with more than quoted) carry no refund data in their
-- read model until their next event, so the dashboard's refunds list missed
-- them. Their amount is the domain's (domain::order::refund_due over the
-- whole event history, including reversed payments and journals from before
-- payment_received), and the read model's `view` is the domain's rendering
-- with personal texts sealed, neither of which SQL can reproduce. So this
-- only queues the orders that may owe one; the first engine to start after
-- it (assembly/refund_backfill.cpp) replays each through the domain, writes
-- its read model as its next event would, and takes it off the queue.
--
-- The queue is a superset: every order without refund data that is
-- cancelled with money received, or whose payment was verified with an
-- excess. Replay decides; an order that owes nothing is left as it is.
create table refund_backfill (
    order_id uuid primary key references orders (id)
);

insert into refund_backfill (order_id)
select o.id
from orders o
where o.refund_state is null
  and ((o.status = 'cancelled'
        and exists (select 1 from events e
                    where e.order_id = o.id and e.type in ('payment_received', 'payment_verified')))
       or exists (select 1 from events e
                  where e.order_id = o.id and e.type = 'payment_verified'
                    and coalesce((e.payload ->> 'refund_due_atomic')::numeric, 0) > 0));
