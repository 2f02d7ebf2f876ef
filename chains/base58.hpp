#pragma once

// Base58check, the text form of extended keys, WIF keys and legacy Bitcoin addresses:
// base58 (Botan; Debian ships no libbase58) of the payload and the first four bytes of
// its double SHA-256 (OpenSSL). The checksum is checked here rather than with Botan's
// base58_check_decode so that a typo (bad checksum) and a text that is no base58 at all
// are told apart.

#include <string>
#include <string_view>

#include "chains/bytes.hpp"
#include "chains/expected.hpp"

namespace chains {

enum class base58_problem : unsigned char {
  not_base58,    // a character outside the alphabet, empty, or far too long for a key
  too_short,     // fewer than the four checksum bytes
  bad_checksum,  // decodes, but the checksum does not match
};

/// Longest text decoded: an extended key is 111 characters, an address at most 35.
/// Base58 decoding is quadratic, so a megabyte of input is refused before it starts.
inline constexpr std::size_t base58check_max_length = 128;

/// The payload without its checksum.
expected<bytes, base58_problem> base58check_decode(std::string_view text);

std::string base58check_encode(const bytes& payload);

/// Whether every character is in the base58 alphabet (no 0, O, I, l).
bool is_base58(std::string_view text) noexcept;

}  // namespace chains
