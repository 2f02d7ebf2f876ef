-- Clones of one real order, for the benches that need many orders fast
-- (bench/run_timers_bench, bench/run_flat_costs_bench). The caller creates the
-- temporary table seed (id uuid, n bigint, age interval, customer_ref uuid),
-- one row per clone, and sets :prefix (\set prefix 'B-'): clone n is order
-- number :prefix || n, placed age before the original, by customer_ref.
-- Written oldest first, as a shop writes its orders: the tables' physical
-- order follows time, as range reads by date expect.
--
-- The template is the order of the first order_placed event, chosen before
-- any clone is written (the clones' events are older than it). Its event and
-- every column of its read model are copied as the engine wrote them, so
-- that a clone's read model is what the engine would have written for it
-- (a later decision then changes what it changes in a real shop, no more).
-- The documents are json (migration 026): edited as jsonb, stored as json.
drop table if exists clone_template;
create temporary table clone_template as
  select order_id from events where seq = 1 order by recorded_at limit 1;
insert into events (order_id, seq, type, payload, recorded_at)
  select s.id, 1, e.type,
         jsonb_set(jsonb_set(jsonb_set(e.payload::jsonb, '{id}', to_jsonb(s.id::text)), '{number}',
                             to_jsonb(:'prefix' || s.n)),
                   '{customer_ref}', to_jsonb(s.customer_ref::text))::json,
         e.recorded_at - s.age
  from seed s cross join (select * from events where seq = 1 and order_id = (select order_id from clone_template)) e
  order by s.age desc, s.n;
insert into orders (id, number, status, customer_ref, payment_method, total_cents, created_at, updated_at, version, view,
                    payment_address, quote_atomic, outstanding_atomic, quoted_at, quote_expires_at, closed_at,
                    erasure_requested_at, customer_erased_at, refund_state, refund_due_atomic, refunded_atomic,
                    refund_outstanding_atomic)
  select s.id, :'prefix' || s.n, o.status, s.customer_ref, o.payment_method, o.total_cents, o.created_at - s.age,
         o.updated_at - s.age, 1,
         jsonb_set(jsonb_set(o.view::jsonb, '{id}', to_jsonb(s.id::text)), '{number}', to_jsonb(:'prefix' || s.n))::json,
         o.payment_address, o.quote_atomic, o.outstanding_atomic, o.quoted_at - s.age, o.quote_expires_at - s.age,
         o.closed_at, o.erasure_requested_at, o.customer_erased_at, o.refund_state, o.refund_due_atomic,
         o.refunded_atomic, o.refund_outstanding_atomic
  from seed s
  cross join (select * from orders where id = (select order_id from clone_template)) o
  order by s.age desc, s.n;
-- What each clone adds to the KPIs, as the template's, unless the caller
-- wrote the clones' own beforehand and said so (\set clone_kpis_written).
\if :{?clone_kpis_written}
\else
insert into order_kpis (order_id, placed_on, total_cents, paid, processing_ms, delivered, reviewed,
                        refunded_cents)
  select s.id, ((o.created_at - s.age) at time zone 'UTC')::date, k.total_cents, k.paid, k.processing_ms,
         k.delivered, k.reviewed, k.refunded_cents
  from seed s
  cross join (select * from order_kpis where order_id = (select order_id from clone_template)) k
  cross join (select * from orders where id = (select order_id from clone_template)) o
  order by s.age desc, s.n;
\endif
-- A bench on fewer orders than it says would measure the wrong thing.
do $$
begin
  if (select count(*) from orders o join seed s on s.id = o.id) <> (select count(*) from seed)
     or (select count(*) from order_kpis k join seed s on s.id = k.order_id) <> (select count(*) from seed) then
    raise exception 'clone_orders.sql: not every clone was written';
  end if;
end $$;
