#pragma once

#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <memory>

#include "actors/interfaces.hpp"
#include "chains/monero_wallet_rpc.hpp"

namespace actors {

struct monero_subaddresses_options {
  chains::rpc_endpoint wallet;
  std::uint32_t account_index = 0;
};

struct monero_subaddresses_state {
  std::unique_ptr<chains::monero_wallet_rpc> wallet;
  static inline const char* name = "monero_subaddresses";
};

/// Makes a fresh subaddress of the shop's wallet account for each order placed
/// on this node. Every node has one, unlike the watcher (one node at a time):
/// making an address hands nothing to the matcher, so several nodes may do it
/// at once, and the database keeps each index to one order (receiving_addresses).
/// Detached: every wallet call blocks.
subaddress_maker_actor::behavior_type monero_subaddresses_impl(
    subaddress_maker_actor::stateful_pointer<monero_subaddresses_state> self, monero_subaddresses_options options);

}  // namespace actors
