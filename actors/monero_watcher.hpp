#pragma once

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "chains/monero_wallet_rpc.hpp"

namespace actors {

struct monero_watcher_options {
  std::string coin = "XMR";
  chains::rpc_endpoint wallet;
  std::uint32_t account_index = 0;
  int confirmations_required = 2;
  std::chrono::milliseconds poll_interval{2000};
  std::chrono::milliseconds ask_timeout{5000};
};

/// What the watcher last told the matcher about one transfer.
struct sent_transfer {
  std::uint64_t confirmations = 0;
  bool settled = false;  // counted (or an exception): nothing more to tell
  std::uint64_t height = 0;
};

struct monero_watcher_state {
  std::unique_ptr<chains::monero_wallet_rpc> wallet;
  watcher_stats stats;
  std::map<std::string, sent_transfer> sent;  // by txid + "/" + subaddress index
  int failures_in_a_row = 0;
  bool polling = false;
  static inline const char* name = "monero_watcher";
};

/// Watches the shop's view-only Monero wallet through monero-wallet-rpc
/// (docs/MONERO.md). Each poll: `refresh` (the wallet's own refresh is far too
/// slow), `get_transfers` in + pool, and every transfer that is new or has new
/// confirmations goes to the matcher as an incoming payment to its subaddress.
/// A wallet that cannot be reached is reported on /admin/api/system and polled
/// again with backoff; the watcher itself never fails for it. Detached: every
/// wallet call blocks.
chain_watcher_actor::behavior_type monero_watcher_impl(chain_watcher_actor::stateful_pointer<monero_watcher_state> self,
                                                       monero_watcher_options options, payment_matcher_actor matcher);

}  // namespace actors
