#pragma once

// Monero addresses as a customer types one for a refund: Monero's own base58 (in
// blocks of 8 bytes, 11 characters each, unlike Bitcoin's), a network byte, the
// public spend and view keys (and an integrated address's payment id), and the
// first 4 bytes of their Keccak-256 (chains/keccak) as checksum.

#include <string>
#include <string_view>

#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

/// `network`: "mainnet" (also for a regtest/fakechain wallet, which uses mainnet's
/// prefixes), "testnet" or "stagenet". Accepts standard, sub- and integrated
/// addresses of that network; returns the address as given, trimmed.
expected<std::string, address_error> check_monero_address(std::string_view text, std::string_view network);

}  // namespace chains
