#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/interfaces.hpp"
#include "chains/ethereum_rpc_client.hpp"
#include "persistence/chain_cursor_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/receiving_address_store.hpp"

namespace actors {

struct ethereum_watcher_options {
  std::string coin = "ETH";
  chains::rpc_endpoint node;   // the Ethereum node's JSON-RPC URL
  std::string token_contract;  // an ERC-20 token's contract (USDC); empty: Ether itself
  int confirmations_required = 12;
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds ask_timeout{5000};
  std::string database_url;   // the orders' addresses and the scan cursor
  int max_addresses = 10000;  // watched at once, the newest pending orders first
  // Blocks read in one poll at most: a watcher far behind (a first start, a
  // long outage) catches up over several polls instead of one long one.
  std::uint64_t max_blocks_per_poll = 200;
  // The first start of the coin's watcher reads this many blocks back from the
  // tip (later starts carry on from the stored cursor).
  std::uint64_t first_scan_blocks = 1000;
  // How deep a counted payment's block is watched for a reorganisation before
  // it is forgotten (Ethereum finalises after two epochs, 64 blocks).
  std::uint64_t reorg_depth = 64;
};

/// What the watcher last told the matcher about one payment (one transaction's
/// transfers to one of our addresses), and where it was mined.
struct told_eth_payment {
  domain::incoming_payment payment;  // as the matcher was told it (its txid, address, amount, time)
  std::string tx_hash;
  std::uint64_t block = 0;
  std::string block_hash;
  std::uint64_t confirmations = 0;
  bool settled = false;  // counted, or an exception: only a reorganisation changes it now
  bool counted = false;  // counted for `order`: a reorganisation takes it back
  std::optional<domain::order_id> order;
};

struct ethereum_watcher_state {
  struct session {
    explicit session(const std::string& url) : db(url), addresses(db), cursors(db) {}
    persistence::connection db;
    persistence::receiving_address_store addresses;
    persistence::chain_cursor_store cursors;
  };
  std::unique_ptr<chains::ethereum_rpc_client> node;
  std::unique_ptr<session> store;                  // connected on first use, again after a failure
  std::optional<std::uint64_t> next_block;         // the first block not read yet
  std::map<std::uint64_t, std::string> recent;     // hashes of the last blocks read, to see a reorganisation
  std::map<std::string, told_eth_payment> told;    // by tx hash + "/" + address
  // Payments left the chain whose orders have not yet taken them back: if
  // mined again meanwhile, they wait, so that they count again only after.
  std::map<std::string, told_eth_payment> reversing;
  watcher_stats stats;
  int failures_in_a_row = 0;
  static inline const char* name = "ethereum_watcher";
};

/// Watches Ether, or one ERC-20 token, paid to the per-order addresses of
/// pending orders, through an Ethereum node's JSON-RPC. Each poll reads the
/// blocks after the last one read: Ether by each block's transactions to our
/// addresses, a token by eth_getLogs for its Transfer events to them. A payment
/// goes to the matcher when new and whenever its confirmations (tip - block +
/// 1) change, so the order shows detected n/required, then paid. Before that,
/// the blocks it read and the blocks of the payments it told are compared with
/// the node's chain: a block that left it (a reorganisation) sends the scan
/// back to the fork, and a payment the new chain does not hold is taken back
/// from its order (reverse_payment: withdrawn while detected, reversed once
/// counted). The cursor is stored once the matcher took a poll's payments, so
/// a restart or another node carries on without a gap. A node that cannot be
/// reached shows on /admin/api/system and is asked again with backoff; the
/// watcher never fails for it. Detached: every call blocks.
chain_watcher_actor::behavior_type ethereum_watcher_impl(
    chain_watcher_actor::stateful_pointer<ethereum_watcher_state> self, ethereum_watcher_options options,
    payment_matcher_actor matcher, order_registry_actor registry);

}  // namespace actors
