-- Least privilege inside PostgreSQL.
--
-- The engine's runtime (every actor's connection) logs in as ccc_app, which
-- owns nothing and may do, table by table, only what the runtime does. The
-- KPI read switches to ccc_reporting, which sees orders and analytics_daily
-- and nothing personal. Migrations, the catalog seed and the root key's
-- bootstrap keep running as the owner (database.url); so does
-- `order_engine admin add|reset-2fa`.
--
-- A later migration that adds a table grants ccc_app what the runtime needs
-- of it, explicitly, as this file does: nothing is granted by default.

-- Roles belong to the cluster, this file runs once per database (and the
-- tests migrate many databases in one cluster, some at the same moment):
-- each role is made only when missing, and the loser of a race for the name
-- finds it made. In production a DBA may make them beforehand (the owner
-- then needs no CREATEROLE): give ccc_app a password or a client
-- certificate and name it in database.app_url.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'ccc_app') then
        begin
            create role ccc_app login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
        exception when duplicate_object or unique_violation then null;
        end;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'ccc_reporting') then
        begin
            create role ccc_reporting nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
        exception when duplicate_object or unique_violation then null;
        end;
    end if;
    -- Object auditing (pgaudit.role, docs/SECURITY.md): nobody logs in as it
    -- or belongs to it; what it may do on a table is what pgaudit logs there.
    if not exists (select 1 from pg_roles where rolname = 'ccc_auditor') then
        begin
            create role ccc_auditor nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
        exception when duplicate_object or unique_violation then null;
        end;
    end if;
    -- A role made by hand could carry powers that undo all of this.
    if exists (select 1 from pg_roles
               where rolname in ('ccc_app', 'ccc_reporting', 'ccc_auditor') and (rolsuper or rolbypassrls)) then
        raise exception 'ccc_app, ccc_reporting and ccc_auditor must be neither superuser nor BYPASSRLS';
    end if;
    -- The KPI read runs SET LOCAL ROLE ccc_reporting from ccc_app's connection.
    if not exists (select 1 from pg_auth_members m
                   join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
                   where r.rolname = 'ccc_reporting' and u.rolname = 'ccc_app') then
        begin
            grant ccc_reporting to ccc_app;
        exception when unique_violation then null;
        end;
    end if;
end
$$;

-- No DDL for anyone but the owner: ccc_app owns nothing, and PUBLIC (which
-- ccc_app belongs to) may not create in the schema nor make temporary tables.
revoke create on schema public from public;
do $$
begin
    execute format('revoke temporary on database %I from public', current_database());
end
$$;

-- ---------------------------------------------------------------- ccc_app

-- The journal: append and read back. Never changed (see the trigger below).
grant select, insert on events to ccc_app;
-- The read model: upserted by the journal, read by everyone.
grant select, insert, update on orders to ccc_app;
-- Personal data: written once by the journal; erasure empties the sealed
-- columns and deletes the data key (crypto-shredding). Row-level security
-- below narrows every read and write to the path a transaction serves.
grant select, insert on customers to ccc_app;
grant update (name_sealed, email_sealed, shipping_sealed, email_index, erased_at) on customers to ccc_app;
grant select, insert, delete on customer_keys to ccc_app;
-- Claimed at checkout; a batch that cannot keep a claim rolls back instead
-- of deleting it (journal_store.cpp).
grant select, insert on idempotency_keys to ccc_app;
-- Timers: set and cleared by the journal, claimed and released by the scheduler.
grant select, insert, delete on timers to ccc_app;
grant update (due_at, claimed_until) on timers to ccc_app;
-- Mail: written by the journal, claimed and settled by the mailer.
grant select, insert on outbox to ccc_app;
grant update (status, attempts, next_attempt_at, claimed_until, last_error, sent_at) on outbox to ccc_app;
grant usage on sequence outbox_id_seq to ccc_app;
grant select, insert, delete on mail_recipient_hours to ccc_app;
grant update (sent) on mail_recipient_hours to ccc_app;
-- Payments: counted once, an exception's payment later given its order.
grant select, insert on payments to ccc_app;
grant update (order_id) on payments to ccc_app;
grant select, insert on payment_exceptions to ccc_app;
grant update (status, order_id, resolution, resolved_by, resolved_at) on payment_exceptions to ccc_app;
grant usage on sequence payment_exceptions_id_seq to ccc_app;
-- Anonymous counts, folded into months after the retention period.
grant select, insert, delete on analytics_daily to ccc_app;
grant update (count) on analytics_daily to ccc_app;
-- Order numbers come in blocks from the sequence (nextval needs USAGE).
grant usage on sequence order_number_blocks to ccc_app;
-- The back office's door: accounts are added by `order_engine admin` (the
-- owner); the runtime signs in, remembers the last TOTP step, uses up
-- recovery codes, opens and ends sessions, issues and revokes API keys.
grant select on admin_users to ccc_app;
grant update (totp_last_step) on admin_users to ccc_app;
grant select on admin_recovery_codes to ccc_app;
grant update (used_at) on admin_recovery_codes to ccc_app;
grant select, insert on admin_sessions to ccc_app;
grant update (last_seen, revoked_at) on admin_sessions to ccc_app;
grant select, insert on admin_api_keys to ccc_app;
grant update (revoked_at) on admin_api_keys to ccc_app;
-- Who did what: appended, read, never changed (the trigger of 006).
grant select, insert on audit_log to ccc_app;
grant usage on sequence audit_log_id_seq to ccc_app;
-- Nothing on products, engine_secrets and schema_migrations: the catalog
-- and the root key are read at start-up with the owner's connection.

-- ---------------------------------------------------------- ccc_reporting

-- The KPIs: orders as the read model has them, and the anonymous counts.
-- Nothing of customers, customer_keys or events.
grant select on orders, analytics_daily to ccc_reporting;

-- ------------------------------------------------------------ ccc_auditor

-- What pgaudit's object audit logs: every read (SELECT) and write (INSERT,
-- UPDATE, DELETE) of personal data, and nothing else.
grant select, insert, update, delete on customers, customer_keys to ccc_auditor;

-- ---------------------------------------------------- append-only journal

-- An order's history is never rewritten, by any role, owner included (like
-- audit_log in 006). ccc_app is refused by its grants already; the trigger
-- also stops the owner and a superuser's session. Only a deliberate
-- ALTER TABLE ... DISABLE TRIGGER (the owner's DDL) or
-- session_replication_role = replica (a superuser's restore) gets past it.
create function events_are_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'events is append-only: an order''s history is never changed';
end $$;
create trigger events_append_only before update or delete on events
    for each statement execute function events_are_append_only();
create trigger events_no_truncate before truncate on events
    for each statement execute function events_are_append_only();

-- ---------------------------------------------------- row-level security

-- A customer row (and its data key) is visible only on the path the
-- transaction names with set_config('ccc.path', ..., true), set by the
-- persistence code that opens the transaction (persistence/access_path.hpp).
-- A connection that named no path sees no customer at all. FORCE: the owner
-- is held to the policies too (a superuser is not: keep it for restores).
-- The GUCs are read with missing_ok, and '' (set earlier in the session,
-- reset at the end of its transaction) counts as no path.
alter table customers enable row level security;
alter table customers force row level security;
alter table customer_keys enable row level security;
alter table customer_keys force row level security;

-- The journal writer: inserts new customers with their keys, reads the keys
-- it seals a decision's texts under, and erases (empties the row, deletes the key).
create policy journal_writes_customers on customers for all
    using (current_setting('ccc.path', true) = 'journal')
    with check (current_setting('ccc.path', true) = 'journal');
create policy journal_writes_customer_keys on customer_keys for all
    using (current_setting('ccc.path', true) = 'journal')
    with check (current_setting('ccc.path', true) = 'journal');

-- The admin's order view, list and search by email: any customer, read
-- only. The admin route writes that read to audit_log.
create policy admin_reads_customers on customers for select
    using (current_setting('ccc.path', true) = 'admin');
create policy admin_reads_customer_keys on customer_keys for select
    using (current_setting('ccc.path', true) = 'admin');

-- The mailer: only customers with mail still to send ('pending', claimed or
-- not), read only. A customer whose mail went out is out of its reach.
create policy mailer_reads_customers on customers for select
    using (current_setting('ccc.path', true) = 'mailer'
           and exists (select 1 from orders o join outbox m on m.order_id = o.id
                       where o.customer_ref = customers.ref and m.status = 'pending'));
create policy mailer_reads_customer_keys on customer_keys for select
    using (current_setting('ccc.path', true) = 'mailer'
           and exists (select 1 from orders o join outbox m on m.order_id = o.id
                       where o.customer_ref = customer_keys.ref and m.status = 'pending'));
-- What the mailer's policies look up, per customer.
create index outbox_pending_by_order on outbox (order_id) where status = 'pending';

-- An order's recovery (journal_store::load_events): the data key of that
-- order's own customer (ccc.customer), to open the texts of its events.
create policy order_reads_own_customer_key on customer_keys for select
    using (current_setting('ccc.path', true) = 'order'
           and ref = nullif(current_setting('ccc.customer', true), '')::uuid);
