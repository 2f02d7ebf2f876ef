#include "chains/bech32.hpp"

#include <cstdint>

namespace chains {

namespace {

constexpr std::string_view charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t max_length = 90;
constexpr std::size_t checksum_length = 6;

constexpr std::uint32_t checksum_constant(bech32_variant variant) {
  return variant == bech32_variant::bech32 ? 1 : 0x2bc830a3;
}

// The BCH code's remainder over GF(32) (BIP173, "Checksum").
std::uint32_t polymod(const bytes& values) {
  static constexpr std::uint32_t generator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (const auto value : values) {
    const auto top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= generator[i];
    }
  }
  return chk;
}

// The checksum covers the human-readable part too: its high bits, a zero, its low bits.
bytes expand_hrp(std::string_view hrp) {
  bytes out;
  out.reserve(hrp.size() * 2 + 1);
  for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(c) >> 5);
  out.push_back(0);
  for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(c) & 31);
  return out;
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

expected<bech32_text, bech32_problem> bech32_decode(std::string_view text) {
  if (text.size() > max_length) return bech32_problem::too_long;
  bool has_lower = false, has_upper = false;
  for (const char c : text) {
    const auto code = static_cast<unsigned char>(c);
    if (code < 33 || code > 126) return bech32_problem::bad_character;
    has_lower = has_lower || (c >= 'a' && c <= 'z');
    has_upper = has_upper || (c >= 'A' && c <= 'Z');
  }
  if (has_lower && has_upper) return bech32_problem::mixed_case;
  const auto separator = text.rfind('1');
  if (separator == std::string_view::npos || separator == 0 || separator + 1 + checksum_length > text.size()) {
    return bech32_problem::no_separator;
  }
  bech32_text out;
  for (const char c : text.substr(0, separator)) out.hrp += to_lower(c);
  bytes data;
  for (const char c : text.substr(separator + 1)) {
    const auto value = charset.find(to_lower(c));
    if (value == std::string_view::npos) return bech32_problem::bad_character;
    data.push_back(static_cast<std::uint8_t>(value));
  }
  auto checked = expand_hrp(out.hrp);
  checked.insert(checked.end(), data.begin(), data.end());
  const auto remainder = polymod(checked);
  if (remainder == checksum_constant(bech32_variant::bech32)) {
    out.variant = bech32_variant::bech32;
  } else if (remainder == checksum_constant(bech32_variant::bech32m)) {
    out.variant = bech32_variant::bech32m;
  } else {
    return bech32_problem::bad_checksum;
  }
  data.resize(data.size() - checksum_length);
  out.values = std::move(data);
  return out;
}

std::string bech32_encode(std::string_view hrp, const bytes& values, bech32_variant variant) {
  auto checked = expand_hrp(hrp);
  checked.insert(checked.end(), values.begin(), values.end());
  checked.insert(checked.end(), checksum_length, 0);
  const auto remainder = polymod(checked) ^ checksum_constant(variant);
  std::string out(hrp);
  out += '1';
  for (const auto value : values) out += charset[value & 31];
  for (std::size_t i = 0; i < checksum_length; ++i) out += charset[(remainder >> (5 * (5 - i))) & 31];
  return out;
}

expected<bytes, bech32_problem> convert_bits(const bytes& in, int from_bits, int to_bits, bool pad) {
  std::uint32_t accumulator = 0;
  int bits = 0;
  const std::uint32_t max_value = (1u << to_bits) - 1;
  bytes out;
  for (const auto value : in) {
    if ((value >> from_bits) != 0) return bech32_problem::bad_character;
    accumulator = (accumulator << from_bits) | value;
    bits += from_bits;
    while (bits >= to_bits) {
      bits -= to_bits;
      out.push_back(static_cast<std::uint8_t>((accumulator >> bits) & max_value));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((accumulator << (to_bits - bits)) & max_value));
  } else if (bits >= from_bits || ((accumulator << (to_bits - bits)) & max_value) != 0) {
    return bech32_problem::bad_padding;
  }
  return out;
}

}  // namespace chains
