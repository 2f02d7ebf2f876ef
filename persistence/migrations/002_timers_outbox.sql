-- Durable timers and the email outbox. Both are written
-- in the transaction of the decision that wants them.

-- One row per (order, kind): an order has at most one reminder, one expiry and
-- one review request pending. A scheduler claims due rows with a lease
-- (claimed_until) under FOR UPDATE SKIP LOCKED, so several nodes share the work
-- and a node that dies mid-delivery leaves the row to be claimed again once its
-- lease runs out. The order's own decision (or the moot check) deletes it.
create table timers (
    order_id      uuid        not null,
    kind          text        not null,
    due_at        timestamptz not null,
    claimed_until timestamptz,
    primary key (order_id, kind)
);
create index timers_due on timers (due_at);

-- Emails owed. Rows carry no personal data: the mailer reads the customer's
-- name and address at rendering time only. The id gives each message a stable
-- Message-ID, so a redelivery after a crash is recognisable.
create table outbox (
    id              bigserial   primary key,
    order_id        uuid        not null,
    kind            text        not null,
    payload         jsonb       not null default '{}',
    created_at      timestamptz not null,
    status          text        not null default 'pending'
                    check (status in ('pending', 'sent', 'dead')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    claimed_until   timestamptz,
    last_error      text,
    sent_at         timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status = 'pending';
create index outbox_dead on outbox (created_at desc) where status = 'dead';
