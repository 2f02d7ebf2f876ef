#pragma once

// Public keys on secp256k1, through Debian's libsecp256k1: the curve arithmetic BIP32's
// public derivation needs, and nothing that touches a private key.

#include <array>
#include <cstdint>
#include <optional>

namespace chains {

/// SEC1 compressed: 0x02 or 0x03, then x. How BIP32 serializes keys and Bitcoin hashes them.
using compressed_public_key = std::array<std::uint8_t, 33>;
/// SEC1 uncompressed: 0x04, x, y. Ethereum hashes x and y.
using uncompressed_public_key = std::array<std::uint8_t, 65>;
using scalar_bytes = std::array<std::uint8_t, 32>;

/// Whether the bytes are a point on the curve.
bool is_valid_public_key(const compressed_public_key& key) noexcept;

/// key + tweak·G: BIP32's child key from the left half of its HMAC. nullopt when the
/// tweak is not below the curve order or the sum is the point at infinity (BIP32: that
/// index has no key; use the next one).
std::optional<compressed_public_key> add_tweak(const compressed_public_key& key, const scalar_bytes& tweak) noexcept;

std::optional<uncompressed_public_key> uncompress(const compressed_public_key& key) noexcept;

}  // namespace chains
