-- What each order adds to the KPIs, kept as the order changes.
--
-- A KPI report over 30 days used to read every order placed in them, each
-- row's whole customer view with it (its payment, its timeline, its review):
-- 1.7 s at a million orders. The journal now writes these few facts beside
-- the read model, in the same statement, for the rows it writes (so they
-- move forward only, with the read model) and only when they change; a
-- report sums a range of them by day, from the index alone (an index-only
-- scan: the facts ride in the index by date, and the table is read only for
-- its pages changed since the last vacuum). The price: a change of an
-- order's facts (paid, shipped, delivered, reviewed, refunded; a few in its
-- life) writes an index entry; its other decisions write nothing here.
create table order_kpis (
    order_id       uuid primary key,
    placed_on      date not null,     -- the UTC day it was placed: reports group by it as stored
    total_cents    bigint not null,
    paid           boolean not null,  -- received the correct payment (paid or overpaid)
    processing_ms  bigint,            -- paid -> shipped, once both happened
    delivered      boolean not null,
    reviewed       boolean not null,
    refunded_cents bigint not null    -- the revenue refunds took back (docs/KPIS.md)
);

create index order_kpis_by_day on order_kpis (placed_on)
    include (total_cents, paid, processing_ms, delivered, reviewed, refunded_cents);
-- The processing times of a range, from the orders shipped only: an order
-- placed today (most of a day's, and not yet marked all-visible) is not
-- looked at twice. An entry is written once, when the order ships.
create index order_kpis_shipped_by_day on order_kpis (placed_on) include (processing_ms)
    where processing_ms is not null;
-- The index-only scan skips only the pages the visibility map calls
-- all-visible, which vacuum sets: vacuum this narrow table after 2 % of it
-- was written (20 % by default), so that a report reads the table only for
-- about the last day or two.
alter table order_kpis set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);

-- The orders already placed, from their read model as the reports read it
-- until now (domain::kpi_order_of and domain::refunded_revenue say the same
-- for the orders the journal writes from here on).
insert into order_kpis (order_id, placed_on, total_cents, paid, processing_ms, delivered, reviewed,
                        refunded_cents)
select o.id, (o.created_at at time zone 'UTC')::date, o.total_cents,
       f.payment_state in ('paid', 'overpaid'),
       case when f.paid_at <= f.shipped_at
            then (extract(epoch from f.shipped_at - f.paid_at) * 1000)::bigint end,
       exists (select 1 from jsonb_array_elements(o.view -> 'timeline') t where t ->> 'status' = 'delivered'),
       o.view ? 'review',
       case when f.quoted > 0 and o.total_cents > 0 and f.refunded > greatest(f.received - f.quoted, 0)
            then floor((2 * least(f.refunded - greatest(f.received - f.quoted, 0), f.quoted) * o.total_cents
                        + f.quoted) / (2 * f.quoted))::bigint
            else 0 end
from orders o
cross join lateral (
    select o.view -> 'payment' ->> 'state' as payment_state,
           (o.view -> 'payment' ->> 'paid_at')::timestamptz as paid_at,
           (select (t ->> 'at')::timestamptz from jsonb_array_elements(o.view -> 'timeline') t
            where t ->> 'status' = 'shipped' limit 1) as shipped_at,
           coalesce(o.quote_atomic, 0) as quoted,
           coalesce((o.view -> 'payment' ->> 'received_atomic')::numeric, 0) as received,
           o.refunded_atomic as refunded
) f
order by o.created_at;

grant select, insert on order_kpis to ccc_app;
grant update (total_cents, paid, processing_ms, delivered, reviewed, refunded_cents) on order_kpis to ccc_app;
-- Facts about orders, nothing about who placed them.
grant select on order_kpis to ccc_reporting;
