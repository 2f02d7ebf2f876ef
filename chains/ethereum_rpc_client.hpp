#pragma once

// The calls of the Ethereum JSON-RPC API (geth, Nethermind, anvil, a provider's
// endpoint) that the Ether and ERC-20 watcher needs, typed. Blocking: call from a
// detached actor. Every call throws rpc_error: a node that cannot be reached, an
// error object, or a reply that is not the API's shape (kind::bad_reply). Nothing
// a hostile node sends can make a parse crash or wrap an amount: quantities wider
// than 128 bits are refused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chains/json_rpc_client.hpp"
#include "domain/strong_types.hpp"

namespace chains {

/// A transaction of a block, as far as a payment to us goes.
struct eth_transaction {
  std::string hash;  ///< 0x + 64 lower-case hex
  std::string to;    ///< 0x + 40 lower-case hex; empty for a contract creation
  domain::atomic_amount value;  ///< wei
};

struct eth_block {
  std::uint64_t number = 0;
  std::string hash;            ///< 0x + 64 lower-case hex
  std::int64_t timestamp = 0;  ///< Unix seconds
  std::vector<eth_transaction> transactions;
};

/// A block without its transactions: which block is canonical at a height, and when it was made.
struct eth_block_header {
  std::uint64_t number = 0;
  std::string hash;
  std::int64_t timestamp = 0;  ///< Unix seconds
};

/// One ERC-20 Transfer(address indexed from, address indexed to, uint256 value) log.
struct eth_transfer_log {
  std::string tx_hash;     ///< lower case
  std::string block_hash;  ///< lower case
  std::uint64_t block_number = 0;
  std::uint64_t log_index = 0;  ///< within the block: it changes when the transaction is mined again elsewhere
  std::string to;               ///< the recipient, 0x + 40 lower-case hex
  domain::atomic_amount value;  ///< the token's smallest units
  bool removed = false;         ///< a node's own flag for a log of a block that left the chain
};

/// Where a mined transaction sits on the node's canonical chain.
struct eth_receipt {
  std::string tx_hash, block_hash;
  std::uint64_t block_number = 0;
  bool succeeded = false;  ///< status 0x1
};

/// keccak256("Transfer(address,address,uint256)"): topic 0 of every ERC-20 transfer.
const std::string& erc20_transfer_topic();

/// "0x1a" -> 26. Ethereum's quantity encoding: "0x" and at least one hex digit,
/// at most 32 digits (128 bits; a wider value is refused, never cut). Leading
/// zeros are tolerated (some nodes pad). nullopt for anything else.
std::optional<domain::atomic_amount::rep> parse_hex_quantity(std::string_view text);

/// A 32-byte ABI word ("0x" + 64 hex) as a 128-bit amount; nullopt when it is
/// not one or its value does not fit in 128 bits (no real token amount does).
std::optional<domain::atomic_amount::rep> parse_uint256_word(std::string_view text);

/// Parsers of the reply shapes, for the client and its tests; throw rpc_error(bad_reply).
eth_block parse_eth_block(const nlohmann::json& block);
eth_transfer_log parse_transfer_log(const nlohmann::json& log);
eth_receipt parse_eth_receipt(const nlohmann::json& receipt);

/// An Ethereum address ("0x" + 40 hex, any case) in lower case; nullopt when it is not one.
std::optional<std::string> normalized_eth_address(std::string_view text);

/// "https://user:pw@host:8545/v3/KEY" -> "https://host:8545": how errors name a node.
std::string url_origin(const std::string& url);

class ethereum_rpc_client {
 public:
  /// endpoint.base_url is the node's URL as given (the path is the node's, nothing is appended).
  explicit ethereum_rpc_client(rpc_endpoint endpoint);

  /// eth_blockNumber: the newest block of the node's canonical chain.
  std::uint64_t block_number();

  /// eth_getBlockByNumber(n, true): the block with its transactions; nullopt beyond the tip.
  std::optional<eth_block> block_with_transactions(std::uint64_t number);

  /// eth_getBlockByNumber(n, false): the block canonical at that height now; nullopt beyond the tip.
  std::optional<eth_block_header> block_header_at(std::uint64_t number);

  /// eth_getLogs for Transfer events of `token` to any of `recipients` (addresses,
  /// any case) in blocks [from, to]. Recipients go in groups, so a shop with many
  /// pending orders makes several calls.
  std::vector<eth_transfer_log> transfer_logs(const std::string& token, const std::vector<std::string>& recipients,
                                              std::uint64_t from, std::uint64_t to);

  /// eth_getTransactionReceipt: where the transaction is mined on the canonical
  /// chain, or nullopt when it is not (pending, dropped, or its block left the chain).
  std::optional<eth_receipt> transaction_receipt(const std::string& tx_hash);

  const rpc_endpoint& endpoint() const noexcept { return rpc_.endpoint(); }

 private:
  json_rpc_client rpc_;
};

}  // namespace chains
