-- Mail is never sent twice by itself. The mailer marks each group of messages
-- (`sending_since`) in a commit of its own just before it hands them to the
-- SMTP server, and records them as sent right after. A node that dies between
-- the two leaves its group marked: once the claim's lease runs out, nobody can
-- tell whether the server took those messages, so the next claim settles them
-- as 'uncertain' instead of sending them again, and the admin decides (the
-- dead-mail list shows them, with the same retry). Claimed messages that were
-- never marked went nowhere and are simply claimed again.
alter table outbox add column sending_since timestamptz;

alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
    check (status in ('pending', 'sent', 'dead', 'suppressed', 'dropped', 'uncertain'));

-- Only the groups in flight: a handful of rows however large the outbox grows.
create index outbox_in_flight on outbox (claimed_until) where status = 'pending' and sending_since is not null;
create index outbox_uncertain on outbox (created_at desc) where status = 'uncertain';

grant update (sending_since) on outbox to ccc_app;
