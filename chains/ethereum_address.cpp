#include "chains/ethereum_address.hpp"

#include <algorithm>
#include <cctype>

#include "chains/bytes.hpp"
#include "chains/keccak.hpp"
#include "domain/hex.hpp"

namespace chains {

namespace {

constexpr std::size_t hex_digits = 40;

}  // namespace

std::string to_checksum_case(const ethereum_address_bytes& bytes) {
  const auto lower = to_hex(bytes);
  const auto digest = keccak256(reinterpret_cast<const std::uint8_t*>(lower.data()), lower.size());
  std::string out = "0x";
  for (std::size_t i = 0; i < lower.size(); ++i) {
    const int nibble = (i % 2 == 0) ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f;
    const char c = lower[i];
    out += (c >= 'a' && nibble >= 8) ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

ethereum_address ethereum_address_of(const uncompressed_public_key& key) {
  const auto digest = keccak256(key.data() + 1, key.size() - 1);
  ethereum_address out;
  std::copy(digest.end() - out.bytes.size(), digest.end(), out.bytes.begin());
  out.text = to_checksum_case(out.bytes);
  return out;
}

expected<ethereum_address, address_error> parse_ethereum_address(std::string_view text) {
  if (text.substr(0, 2) != "0x") {
    return make_address_error(address_problem::format, "an Ethereum address starts with 0x");
  }
  const auto hex = text.substr(2);
  if (hex.size() != hex_digits) {
    return make_address_error(address_problem::format,
                              "an Ethereum address has 40 hex digits after 0x, not " + std::to_string(hex.size()));
  }
  ethereum_address out;
  bool has_lower = false, has_upper = false;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int value = domain::hex_digit_value(hex[i]);
    if (value < 0) {
      return make_address_error(address_problem::format,
                                "an Ethereum address has only the digits 0-9 and letters a-f after 0x");
    }
    has_lower = has_lower || std::islower(static_cast<unsigned char>(hex[i]));
    has_upper = has_upper || std::isupper(static_cast<unsigned char>(hex[i]));
    auto& byte = out.bytes[i / 2];
    byte = static_cast<std::uint8_t>(i % 2 == 0 ? value << 4 : byte | value);
  }
  if (std::all_of(out.bytes.begin(), out.bytes.end(), [](std::uint8_t b) { return b == 0; })) {
    return make_address_error(address_problem::format, "the zero address burns whatever is sent to it");
  }
  out.text = to_checksum_case(out.bytes);
  if (has_lower && has_upper && text != out.text) {
    return make_address_error(address_problem::checksum,
                              "the address's EIP-55 checksum (its upper and lower case) does not match: "
                              "a character is wrong");
  }
  return out;
}

}  // namespace chains
