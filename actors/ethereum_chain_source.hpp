#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/chain_source.hpp"
#include "chains/ethereum_rpc_client.hpp"

namespace actors {

struct ethereum_source_options {
  std::string coin = "ETH";
  chains::rpc_endpoint node;   // the Ethereum node's JSON-RPC URL
  std::string token_contract;  // an ERC-20 token's contract (USDC); empty: Ether itself
  std::string database_url;    // the orders' addresses, the scan cursor, the payments counted
  int max_addresses = 10000;   // watched at once, the newest orders first
  // An order's address is watched while it is pending and this long after checkout.
  std::chrono::milliseconds watch_addresses_for{std::chrono::hours{24 * 7}};
  // Blocks read in one poll at most: a watcher far behind (a first start, a
  // long outage) catches up over several polls instead of one long one.
  std::uint64_t max_blocks_per_poll = 200;
  // The first start of the coin's watcher reads this many blocks back from the
  // tip (later starts carry on from the stored cursor).
  std::uint64_t first_scan_blocks = 1000;
  // How deep a counted payment's block is watched for a reorganisation before
  // it is forgotten (Ethereum finalises after two epochs, 64 blocks).
  std::uint64_t reorg_depth = 64;
  // At start, counted payments this recent are recalled and watched for a
  // reorganisation (at most `recall_limit`, the newest).
  std::chrono::milliseconds recall_window{std::chrono::hours{24}};
  int recall_limit = 1000;
};

/// Ether, or one ERC-20 token, paid to the coin's per-order addresses, through
/// an Ethereum node's JSON-RPC. Each reading takes the blocks after the last
/// one read: Ether by each block's transactions to our addresses, a token by
/// eth_getLogs for its Transfer events to them; a payment's confirmations are
/// tip - block + 1. First the blocks read before and the blocks of the
/// payments told are compared with the node's chain: a block that left it (a
/// reorganisation) sends the scan back to the fork, and a payment the new
/// chain does not hold is lost. The scan cursor is stored once the matcher took
/// a reading (at the oldest payment still awaiting confirmations, if older),
/// so a restart or another node carries on without a gap; a restart recalls
/// the payments counted recently, with their blocks, to watch them still.
class ethereum_chain_source final : public chain_source {
 public:
  explicit ethereum_chain_source(ethereum_source_options options);
  ~ethereum_chain_source() override;

  const char* name() const override { return "the Ethereum node"; }
  std::vector<told_payment> recall(domain::timestamp now) override;
  chain_reading read(const payment_ledger& ledger, domain::timestamp now) override;
  void reading_taken(const payment_ledger& ledger) override;
  bool forgettable(const told_payment& told) const override;

 private:
  struct session;
  session& store();

  ethereum_source_options options_;
  chains::ethereum_rpc_client node_;
  std::unique_ptr<session> store_;               // connected on first use, again after a failure
  std::optional<std::uint64_t> next_block_;      // the first block not read yet
  std::uint64_t read_up_to_ = 0;                 // the next block once the last reading is taken
  std::uint64_t tip_ = 0;                        // as of the last reading
  std::map<std::uint64_t, std::string> recent_;  // hashes of the last blocks read, to see a reorganisation
};

}  // namespace actors
