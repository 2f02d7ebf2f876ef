-- Signed webhooks: the endpoints the owner registers, and one delivery per
-- endpoint and order event, written in the transaction of the decision that
-- journaled the event (journal_store), so a webhook exists exactly when its
-- event committed.
--
-- The secret that signs an endpoint's deliveries is sealed like the admins'
-- TOTP secrets (sealing::vault::seal_webhook_secret, bound to the endpoint's
-- id): a copy of the database alone cannot forge a delivery.
create table webhook_endpoints (
    id                    uuid        primary key,
    url                   text        not null,
    -- journaled order event types, or '*' for all of them
    events                text[]      not null check (cardinality(events) > 0),
    include_personal_data boolean     not null default false,
    secret_sealed         text        not null,
    enabled               boolean     not null default true,
    created_at            timestamptz not null,
    created_by            text        not null
);

-- id is the webhook-id header: the same for every attempt of one delivery,
-- so a receiver recognises a retry. The payload carries no personal data.
-- retry_since starts the webhooks.give_up_after window: the first attempt,
-- or the admin's redelivery.
create table webhook_deliveries (
    id              text        primary key,
    endpoint_id     uuid        not null references webhook_endpoints (id) on delete cascade,
    order_id        uuid        not null,
    event_seq       bigint      not null,
    event_type      text        not null,
    payload         jsonb       not null,
    created_at      timestamptz not null,
    state           text        not null default 'pending'
                    check (state in ('pending', 'delivered', 'failed')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    retry_since     timestamptz not null,
    claimed_until   timestamptz,
    last_status     int,
    last_error      text,
    delivered_at    timestamptz,
    -- one delivery per endpoint and event, whatever retries the journal makes
    unique (endpoint_id, order_id, event_seq)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_failed on webhook_deliveries (created_at desc) where state = 'failed';
-- the claim delivers an order's events to an endpoint in order: it looks for
-- an earlier pending one of the same order
create index webhook_deliveries_pending_by_order on webhook_deliveries (endpoint_id, order_id, event_seq)
    where state = 'pending';

grant select, insert, delete on webhook_endpoints to ccc_app;
grant select, insert, delete on webhook_deliveries to ccc_app;
grant update (state, attempts, next_attempt_at, retry_since, claimed_until, last_status, last_error, delivered_at)
    on webhook_deliveries to ccc_app;
