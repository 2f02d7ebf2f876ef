-- Chain watchers that scan blocks (Ether, ERC-20 tokens) and chains that
-- reorganise.
--
-- A counted payment whose block left the chain is taken back by its order
-- (payment_reversed), in the transaction of that decision: its payments row is
-- deleted, so that the same transaction counts again if it is mined again.
grant delete on payments to ccc_app;

-- Where each block-scanning watcher stopped: the next block it has to read.
-- Written after the matcher took every payment of the blocks before it, so a
-- restart, or another node taking the watcher over, neither misses a block
-- nor needs to start from the chain's beginning (a payment told twice is
-- counted once anyway: payments is unique on (coin, txid)).
create table chain_scan_cursors (
    coin       text        primary key,
    next_block bigint      not null check (next_block >= 0),
    updated_at timestamptz not null
);

grant select, insert on chain_scan_cursors to ccc_app;
grant update (next_block, updated_at) on chain_scan_cursors to ccc_app;
