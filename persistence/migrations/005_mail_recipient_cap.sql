-- Checkout lets anyone name the address the shop writes to: the mailer caps
-- the emails one recipient gets per hour. Recipients are counted by a keyed
-- hash of the address, never the address itself; an email over the cap is
-- not sent and stays listed as 'suppressed'.
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
    check (status in ('pending', 'sent', 'dead', 'suppressed'));

create table mail_recipient_hours (
    recipient_key text        not null,
    hour          timestamptz not null,
    sent          int         not null,
    primary key (recipient_key, hour)
);
create index outbox_suppressed on outbox (id) where status = 'suppressed';
