#include "chains/curve_point.hpp"

#include <secp256k1.h>

namespace chains {

namespace {

// The static context does everything here: parsing, serializing and adding a multiple of
// G to a public key need neither signing tables nor randomization (libsecp256k1 0.2).
const secp256k1_context* context() noexcept {
  return secp256k1_context_static;
}

template <std::size_t N>
bool serialize(const secp256k1_pubkey& point, std::array<std::uint8_t, N>& out, unsigned int flags) noexcept {
  std::size_t size = out.size();
  return secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &point, flags) == 1 && size == N;
}

}  // namespace

bool is_valid_public_key(const compressed_public_key& key) noexcept {
  secp256k1_pubkey point;
  return secp256k1_ec_pubkey_parse(context(), &point, key.data(), key.size()) == 1;
}

std::optional<compressed_public_key> add_tweak(const compressed_public_key& key, const scalar_bytes& tweak) noexcept {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(context(), &point, key.data(), key.size()) != 1) return std::nullopt;
  if (secp256k1_ec_pubkey_tweak_add(context(), &point, tweak.data()) != 1) return std::nullopt;
  compressed_public_key out{};
  if (!serialize(point, out, SECP256K1_EC_COMPRESSED)) return std::nullopt;
  return out;
}

std::optional<uncompressed_public_key> uncompress(const compressed_public_key& key) noexcept {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(context(), &point, key.data(), key.size()) != 1) return std::nullopt;
  uncompressed_public_key out{};
  if (!serialize(point, out, SECP256K1_EC_UNCOMPRESSED)) return std::nullopt;
  return out;
}

}  // namespace chains
