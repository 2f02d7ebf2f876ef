#pragma once

// The calls of monero-wallet-rpc that the Monero watcher needs, typed. Blocking: call
// from a detached actor or a thread of its own. Every method throws rpc_error when the
// wallet cannot be reached or refuses (see docs/MONERO.md for what each call means
// with a view-only wallet).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chains/json_rpc_client.hpp"
#include "domain/strong_types.hpp"

namespace chains {

/// A fresh subaddress of the wallet: one per order.
struct monero_subaddress {
  std::string address;              ///< starts with 8 on mainnet (and regtest), 7 on stagenet, B on testnet
  std::uint32_t address_index = 0;  ///< the minor index within the account; 0 is the primary address
};

/// One incoming transfer to one subaddress. A transaction paying two subaddresses of
/// ours appears twice, once per subaddress, with the same txid.
struct monero_transfer {
  std::string txid;                  ///< lower-case hex
  domain::atomic_amount amount;      ///< piconero received by this subaddress in this transaction
  std::uint32_t subaddr_index = 0;   ///< minor index (the subaddress within the account)
  std::string address;               ///< the subaddress paid
  std::uint64_t height = 0;          ///< block height; 0 while in the pool
  std::uint64_t confirmations = 0;   ///< as of the wallet's last refresh; 0 while in the pool
  std::uint64_t timestamp_unix = 0;  ///< block time, or when the wallet first saw it in the pool
  std::string payment_id;            ///< hex; empty when none (the wallet says 0000000000000000)
  bool in_pool = false;              ///< seen in the daemon's pool, not mined yet
  std::uint64_t unlock_time = 0;     ///< 0 normally; anything else locks the funds: do not count them as paid
  bool double_spend_seen = false;    ///< the daemon saw a conflicting transaction (pool entries)
};

class monero_wallet_rpc {
 public:
  /// Lazy: nothing is contacted before the first call.
  explicit monero_wallet_rpc(rpc_endpoint endpoint);

  /// A new subaddress in `account_index`, saved in the wallet file before it is returned
  /// (create_address, then store: a wallet-rpc killed before saving would hand the same
  /// index out again). Indices grow by one per call. A wallet rebuilt from the keys
  /// starts again at 1: keep (account, index) unique on the engine's side too.
  monero_subaddress create_address(std::uint32_t account_index, const std::string& label);

  /// Makes the wallet scan the blocks it has not seen yet; returns how many it fetched.
  /// Confirmations in get_transfers count from the wallet's last refresh, so call this
  /// first. The default timeout is long: a wallet that was offline catches up here.
  std::uint64_t refresh(std::chrono::milliseconds timeout = std::chrono::seconds{60});

  /// Incoming transfers (`in`: mined; `pool`: waiting in the daemon's pool) of one
  /// account. With `min_height`, mined transfers below it are left out (inclusive:
  /// height >= min_height is kept); pool entries are always returned.
  std::vector<monero_transfer> get_transfers(std::uint32_t account_index, bool in, bool pool,
                                             std::optional<std::uint64_t> min_height = std::nullopt);

  /// The wallet's height: the number of blocks it has scanned (the daemon's height after a refresh).
  std::uint64_t get_height();

  const rpc_endpoint& endpoint() const noexcept { return rpc_.endpoint(); }

 private:
  json_rpc_client rpc_;
};

}  // namespace chains
