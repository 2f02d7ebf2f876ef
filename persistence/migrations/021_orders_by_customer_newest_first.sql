-- The admin's search by email reads at most a page of each matching
-- customer's orders, newest first, however many orders any customer has.
--
-- With customer_ref alone indexed, the search's email branch had two plans,
-- both unbounded somewhere: every order of the customer, then a sort (a
-- customer with a million orders), or the newest-first index walked until a
-- page of the customer's orders turned up, which PostgreSQL chose when its
-- statistics showed one customer owning most orders, and which walked the
-- whole table for every other customer (503 at a million orders). Ordered
-- within the customer, each customer's page is one short index range. The
-- key never changes once written, so updates of an order stay HOT.
create index orders_by_customer_newest_first on orders (customer_ref, created_at desc, id desc);
drop index orders_by_customer;
