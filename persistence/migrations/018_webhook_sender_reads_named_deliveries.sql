-- Webhooks that carry personal data: an endpoint registered with
-- include_personal_data gets, in each delivery, the customer's name, email and
-- shipping address, opened by the sender at send time (the delivery row keeps
-- the payload without them, migration 014).
--
-- The sender reads customers on a path of its own, 'webhook', and like the
-- mailer (011) names what it is handling: ccc.deliveries, the webhook ids it
-- is about to send, comma-separated, set per transaction
-- (persistence/access_path.cpp). It sees the customer of a named delivery's
-- order only while that delivery is pending and its endpoint opted in; any
-- other customer stays out of its reach, whatever it names.
create function named_webhook_recipients() returns setof uuid
language plpgsql stable as $$
declare
  delivery text;
  delivery_order uuid;
begin
  foreach delivery in array coalesce(string_to_array(nullif(current_setting('ccc.deliveries', true), ''), ','),
                                     '{}'::text[]) loop
    delivery_order := null;
    -- By primary keys, one delivery at a time: the cost grows with what is
    -- named and nothing else (as in 011).
    select d.order_id into delivery_order
    from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
    where d.id = delivery and d.state = 'pending' and w.include_personal_data;
    if delivery_order is not null then
      return query select o.customer_ref from orders o where o.id = delivery_order;
    end if;
  end loop;
end
$$;

-- Read only, like the mailer's: the subquery is not correlated, so it runs
-- once per statement.
create policy webhook_sender_reads_customers on customers for select
    using (current_setting('ccc.path', true) = 'webhook' and ref in (select named_webhook_recipients()));
create policy webhook_sender_reads_customer_keys on customer_keys for select
    using (current_setting('ccc.path', true) = 'webhook' and ref in (select named_webhook_recipients()));
