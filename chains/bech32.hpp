#pragma once

// Bech32 (BIP173) and bech32m (BIP350): the checksummed text of segwit addresses.
//
// Written here because Debian 12 packages no C or C++ library for it (`apt-cache search
// bech32` finds only Rust sources). It follows the BIPs' reference code step for step
// and is tested against every vector the two BIPs publish (tests/unit/chains/).

#include <string>
#include <string_view>

#include "chains/bytes.hpp"
#include "chains/expected.hpp"

namespace chains {

/// The two checksums differ only in the constant the polymod ends on.
enum class bech32_variant : unsigned char { bech32, bech32m };

enum class bech32_problem : unsigned char {
  bad_character,  // outside US-ASCII 33..126, or a data character outside the 32 of the charset
  mixed_case,     // upper and lower case together
  too_long,       // more than 90 characters
  no_separator,   // no '1', an empty human-readable part, or fewer than six checksum characters
  bad_checksum,   // neither a bech32 nor a bech32m checksum
  bad_padding,    // regrouping 5-bit values into bytes left more than 4 bits, or bits not zero
};

struct bech32_text {
  std::string hrp;  ///< the human-readable part, lower case ("bc")
  bytes values;     ///< the data part as 5-bit values, without the six checksum values
  bech32_variant variant = bech32_variant::bech32;
};

expected<bech32_text, bech32_problem> bech32_decode(std::string_view text);

/// Lower case. `values` are 5-bit values; `hrp` must be lower case US-ASCII 33..126.
std::string bech32_encode(std::string_view hrp, const bytes& values, bech32_variant variant);

/// Regroups bits (8 to 5 to encode, 5 to 8 to decode). Decoding (`pad` false) fails on
/// more than 4 padding bits or padding that is not zero, as BIP173 requires.
expected<bytes, bech32_problem> convert_bits(const bytes& in, int from_bits, int to_bits, bool pad);

}  // namespace chains
