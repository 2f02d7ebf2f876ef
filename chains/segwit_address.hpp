#pragma once

// Segwit addresses (BIP173, BIP350): a witness version and program in bech32 (version 0)
// or bech32m (versions 1 to 16). This decodes any valid one, whatever its network or
// version; chains/bitcoin_address.hpp decides which of them the shop accepts.

#include <string>
#include <string_view>

#include "chains/bytes.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

struct segwit_address {
  std::string hrp;  ///< lower case: "bc", "tb", "bcrt"
  int version = 0;  ///< 0 to 16
  bytes program;    ///< 2 to 40 bytes; 20 or 32 for version 0
};

/// Errors name a wrong checksum (address_problem::checksum) apart from a malformed text.
expected<segwit_address, address_error> decode_segwit_address(std::string_view text);

/// Lower case; fails on a version or program length no valid address has.
expected<std::string, address_error> encode_segwit_address(std::string_view hrp, int version, const bytes& program);

}  // namespace chains
