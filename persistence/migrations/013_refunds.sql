-- Refunds the shop owes, as the read model shows them to the dashboard's
-- "refunds owed" list and to the KPIs (revenue net of refunds).
--
-- refund_state:              null when no refund was ever due; due (no address
--                            yet), requested (an address was given), refunded
-- refund_due_atomic:         what the shop owes back in total, in the order's coin
-- refunded_atomic:           what was sent back so far
-- refund_outstanding_atomic: due less refunded, 0 once sent in full
--
-- The refund address itself is personal data: it lives sealed in the events
-- and the view, never in a column.
alter table orders
    add column refund_state text check (refund_state in ('due', 'requested', 'refunded')),
    add column refund_due_atomic numeric(40, 0) not null default 0,
    add column refunded_atomic numeric(40, 0) not null default 0,
    add column refund_outstanding_atomic numeric(40, 0) not null default 0;

-- The list of refunds owed, newest first and keyset paged like the orders list.
create index orders_refunds_owed on orders (created_at desc, id desc) where refund_state in ('due', 'requested');
