-- Anonymous storefront analytics: counts per day and event type, and
-- nothing else. No visitor id, no address, no cookie: a row cannot be tied to
-- anyone, so there is nothing personal to protect or erase.
create table analytics_daily (
    day   date   not null,
    type  text   not null,
    count bigint not null default 0,
    primary key (day, type)
);
