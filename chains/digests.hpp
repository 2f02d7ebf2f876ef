#pragma once

// The hashes Bitcoin and BIP32 are built on, from OpenSSL: SHA-256, HASH160 and
// HMAC-SHA512. (Ethereum's Keccak-256 is a different function: chains/keccak.hpp.)

#include <array>
#include <cstddef>
#include <cstdint>

#include "chains/bytes.hpp"

namespace chains {

using sha256_digest = std::array<std::uint8_t, 32>;
using hash160_digest = std::array<std::uint8_t, 20>;
using hmac_sha512_digest = std::array<std::uint8_t, 64>;

sha256_digest sha256(const std::uint8_t* data, std::size_t size);

/// SHA-256 twice: base58check's checksum is its first four bytes.
sha256_digest double_sha256(const std::uint8_t* data, std::size_t size);

/// RIPEMD-160 of SHA-256: a P2WPKH program and a BIP32 key fingerprint.
hash160_digest hash160(const std::uint8_t* data, std::size_t size);

hmac_sha512_digest hmac_sha512(const std::uint8_t* key, std::size_t key_size, const std::uint8_t* data,
                               std::size_t size);

template <std::size_t N>
hash160_digest hash160(const std::array<std::uint8_t, N>& data) {
  return hash160(data.data(), N);
}

}  // namespace chains
