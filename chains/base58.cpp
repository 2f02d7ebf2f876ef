#include "chains/base58.hpp"

#include <botan/base58.h>

#include <algorithm>
#include <exception>

#include "chains/digests.hpp"

namespace chains {

namespace {

constexpr std::string_view alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::size_t checksum_size = 4;

}  // namespace

bool is_base58(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return alphabet.find(c) != std::string_view::npos; });
}

expected<bytes, base58_problem> base58check_decode(std::string_view text) {
  if (text.empty() || text.size() > base58check_max_length || !is_base58(text)) return base58_problem::not_base58;
  bytes raw;
  try {
    raw = Botan::base58_decode(text.data(), text.size());
  } catch (const std::exception&) {  // Botan throws on a character outside the alphabet; checked above
    return base58_problem::not_base58;
  }
  if (raw.size() < checksum_size) return base58_problem::too_short;
  const auto payload_size = raw.size() - checksum_size;
  const auto digest = double_sha256(raw.data(), payload_size);
  if (!std::equal(digest.begin(), digest.begin() + checksum_size, raw.begin() + payload_size)) {
    return base58_problem::bad_checksum;
  }
  raw.resize(payload_size);
  return raw;
}

std::string base58check_encode(const bytes& payload) {
  auto with_checksum = payload;
  const auto digest = double_sha256(payload.data(), payload.size());
  with_checksum.insert(with_checksum.end(), digest.begin(), digest.begin() + checksum_size);
  return Botan::base58_encode(with_checksum.data(), with_checksum.size());
}

}  // namespace chains
