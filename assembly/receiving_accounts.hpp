#pragma once

// The account keys of payments.<CODE>.xpub, read once at start-up: each coin
// with one gets an address of its own per order. A private key or seed pasted
// there stops start-up (main: exit 2) with a message that repeats none of it.

#include <map>
#include <string>

#include "actors/receiving_addresses.hpp"
#include "config/config.hpp"

namespace assembly {

/// The derived accounts by payment method code. USDC (a token paid to
/// Ethereum addresses) with an empty xpub shares ETH's account and its index
/// space, so that one address never serves two orders of either coin.
/// Throws config::config_error naming the key (its value never shown): a
/// secret, a malformed key, a key of another kind, network or depth.
std::map<std::string, actors::derived_account> receiving_accounts_from(const config::payments_config& payments);

}  // namespace assembly
