-- Several engine nodes on one database: who is up, and which node runs each
-- per-shop singleton (the retention run, a chain watcher).
--
-- Every node upserts its row every few seconds; a node is live while its
-- last_seen is recent (cluster.failover_after, measured on the database's
-- clock, so the nodes' clocks need not agree). Rows of nodes gone for good
-- stay: they cost a line each and show when a name was last seen.
create table cluster_nodes (
    name       text        primary key,
    started_at timestamptz not null,
    last_seen  timestamptz not null
);

-- The holder of each singleton. The election itself is a session advisory
-- lock (persistence/singleton_lease.cpp), which PostgreSQL frees the moment
-- the holder's connection ends; pg_locks names a backend, not a node, so the
-- winner writes its name here. Only the lock's holder writes a row, so a row
-- whose node is no longer live is a holder that died and was not yet replaced.
create table cluster_singletons (
    name        text        primary key,
    node_name   text        not null,
    acquired_at timestamptz not null
);

grant select, insert on cluster_nodes to ccc_app;
grant update (started_at, last_seen) on cluster_nodes to ccc_app;
grant select, insert on cluster_singletons to ccc_app;
grant update (node_name, acquired_at) on cluster_singletons to ccc_app;
