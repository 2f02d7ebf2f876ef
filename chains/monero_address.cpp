#include "chains/monero_address.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include "chains/keccak.hpp"
#include "chains/text.hpp"

namespace chains {
namespace {

constexpr std::string_view alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
// Characters of a block of n bytes (n = 0..8): Monero's base58 encodes each full
// block of 8 bytes in 11 characters, the last partial block in as few as fit.
constexpr std::array<std::size_t, 9> encoded_block_sizes{0, 2, 3, 5, 6, 7, 9, 10, 11};

bool decode_block(std::string_view block, std::size_t size, std::vector<std::uint8_t>& out) {
  unsigned __int128 value = 0;
  for (char c : block) {
    const auto digit = alphabet.find(c);
    if (digit == std::string_view::npos) return false;
    value = value * 58 + digit;
  }
  if (size < 8 && value >> (8 * size) != 0) return false;  // more than the block holds
  if (size == 8 && value >> 64 != 0) return false;
  for (std::size_t i = size; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  return true;
}

bool monero_base58_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  const std::size_t full = text.size() / 11, rest = text.size() % 11;
  std::size_t last_size = 0;
  while (last_size < encoded_block_sizes.size() && encoded_block_sizes[last_size] != rest) ++last_size;
  if (last_size == encoded_block_sizes.size()) return false;
  for (std::size_t i = 0; i < full; ++i)
    if (!decode_block(text.substr(i * 11, 11), 8, out)) return false;
  return rest == 0 || decode_block(text.substr(full * 11), last_size, out);
}

struct network_prefixes {
  std::string_view name;
  std::uint8_t standard, integrated, subaddress;
};
constexpr std::array<network_prefixes, 3> networks{{
    {"mainnet", 18, 19, 42},
    {"testnet", 53, 54, 63},
    {"stagenet", 24, 25, 36},
}};

}  // namespace

expected<std::string, address_error> check_monero_address(std::string_view text, std::string_view network) {
  text = trim_whitespace(text);
  // 95 characters (standard, subaddress) or 106 (integrated); anything else is not one.
  if (text.size() != 95 && text.size() != 106)
    return make_address_error(address_problem::format, "a Monero address has 95 or 106 characters");
  std::vector<std::uint8_t> raw;
  if (!monero_base58_decode(text, raw))
    return make_address_error(address_problem::format, "not Monero's base58");
  const std::size_t body = raw.size() - 4;
  const auto digest = keccak256(raw.data(), body);
  for (std::size_t i = 0; i < 4; ++i)
    if (digest[i] != raw[body + i]) return make_address_error(address_problem::checksum, "the checksum does not match");
  const std::uint8_t prefix = raw[0];
  const bool integrated = raw.size() == 1 + 64 + 8 + 4;
  for (const auto& n : networks) {
    const bool ours = integrated ? prefix == n.integrated : (prefix == n.standard || prefix == n.subaddress);
    if (!ours) continue;
    const std::string_view wanted = network == "regtest" ? "mainnet" : network;
    if (n.name != wanted)
      return make_address_error(address_problem::network,
                                "an address of Monero's " + std::string{n.name} + ", not " + std::string{wanted});
    return std::string{text};
  }
  return make_address_error(address_problem::format, "not a Monero address prefix");
}

}  // namespace chains
