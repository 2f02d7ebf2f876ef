-- The mailer's row-level security: the customers of the mail it names.
--
-- Migration 008 let the mailer path see every customer with pending mail,
-- through EXISTS subqueries over orders and outbox. How PostgreSQL runs those
-- depends on the table statistics: while a burst of checkouts outgrew them,
-- each read of one customer hashed the customers of all pending mail, or
-- walked all of it (1 to 7 ms per email, growing with the backlog). Now the
-- mailer names the mail it is handling (ccc.mail: outbox ids, comma-separated,
-- set per transaction like ccc.path, persistence/access_path.cpp) and sees
-- only the customers of those messages while they are pending: a tighter rule
-- than before, at a cost that grows with the mail named and nothing else.
create function named_mail_recipients() returns setof uuid
language plpgsql stable as $$
declare
  mail bigint;
  mail_order uuid;
  mail_status text;
begin
  foreach mail in array coalesce(string_to_array(nullif(current_setting('ccc.mail', true), ''), ',')::bigint[],
                                 '{}'::bigint[]) loop
    -- By primary key, with the status tested here rather than in the query,
    -- so that no partial index of pending mail (whose statistics may lag)
    -- is ever a candidate plan.
    select m.order_id, m.status into mail_order, mail_status from outbox m where m.id = mail;
    if mail_status = 'pending' then
      return query select o.customer_ref from orders o where o.id = mail_order;
    end if;
  end loop;
end
$$;

-- The subquery is not correlated: run once per statement, as a hashed set.
alter policy mailer_reads_customers on customers
    using (current_setting('ccc.path', true) = 'mailer' and ref in (select named_mail_recipients()));
alter policy mailer_reads_customer_keys on customer_keys
    using (current_setting('ccc.path', true) = 'mailer' and ref in (select named_mail_recipients()));
-- outbox_pending_by_order (008) stays: an erasure drops pending mail by it.
