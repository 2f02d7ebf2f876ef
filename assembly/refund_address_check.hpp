#pragma once

// The refund address check the engine hands the domain (set_refund_address):
// chains::check_refund_address with each coin's configured network.

#include "config/config.hpp"
#include "domain/order.hpp"

namespace assembly {

/// Checks an address for a coin of `payments`: BTC on its `network`, ETH and
/// USDC as Ethereum addresses, XMR (uri_scheme monero) on its `network`
/// (mainnet, testnet, stagenet). Another coin, or a coin not configured, is a
/// validation error naming `address` (the customer writes to the shop).
domain::refund_address_check refund_address_check_from(const config::payments_config& payments);

}  // namespace assembly
