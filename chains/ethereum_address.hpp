#pragma once

// Ethereum addresses (ETH and ERC-20 tokens such as USDC alike): the address of a public
// key, EIP-55's mixed-case checksum, and checking an address a customer gives for a refund.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "chains/curve_point.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

using ethereum_address_bytes = std::array<std::uint8_t, 20>;

struct ethereum_address {
  std::string text;  ///< "0x" and 40 hex digits in EIP-55's checksum case
  ethereum_address_bytes bytes{};
};

/// The last 20 bytes of Keccak-256 over the key's x and y (without the 0x04 prefix).
ethereum_address ethereum_address_of(const uncompressed_public_key& key);

/// EIP-55: a hex letter is upper case where the Keccak-256 of the lower-case hex has a
/// nibble of 8 or more.
std::string to_checksum_case(const ethereum_address_bytes& bytes);

/// "0x" and 40 hex digits. Mixed case must match EIP-55 (a typo changes the case
/// pattern); all lower or all upper case carries no checksum and is taken as it is.
/// The zero address is refused: what is sent there is burnt.
expected<ethereum_address, address_error> parse_ethereum_address(std::string_view text);

}  // namespace chains
