#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chains {

using bytes = std::vector<std::uint8_t>;

/// Lower-case hex of `size` bytes: how keys and hashes are printed in tests and how
/// Ethereum addresses are spelled before their checksum case.
inline std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0x0f];
  }
  return out;
}

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& data) {
  return to_hex(data.data(), N);
}

inline std::string to_hex(const bytes& data) {
  return to_hex(data.data(), data.size());
}

}  // namespace chains
