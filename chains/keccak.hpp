#pragma once

// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not the SHA3-256
// of FIPS 202 (0x06), which OpenSSL 3.0 has and which gives other digests. Debian's
// librhash 1.4 and libtomcrypt 1.18 keep their Keccak finalisation internal; Botan 2
// exposes it as "Keccak-1600(256)", so that is what this wraps.

#include <array>
#include <cstddef>
#include <cstdint>

namespace chains {

using keccak256_digest = std::array<std::uint8_t, 32>;

/// keccak256("") = c5d24601…5d85a470.
keccak256_digest keccak256(const std::uint8_t* data, std::size_t size);

}  // namespace chains
