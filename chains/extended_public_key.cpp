#include "chains/extended_public_key.hpp"

#include <algorithm>

#include "chains/base58.hpp"
#include "chains/digests.hpp"
#include "chains/secret_screen.hpp"
#include "chains/text.hpp"

namespace chains {

namespace {

// The 78 bytes of a serialized extended key (BIP32, "Serialization format").
constexpr std::size_t serialized_size = 78;
constexpr std::size_t depth_offset = 4, fingerprint_offset = 5, child_number_offset = 9, chain_code_offset = 13,
                      key_offset = 45;

struct version_name {
  std::uint32_t bytes;
  const char* name;
};

// The public versions the shop derives addresses from.
struct supported_version {
  std::uint32_t bytes;
  key_version version;
};
constexpr supported_version supported[] = {
    {0x0488b21e, key_version::xpub},
    {0x04b24746, key_version::zpub},
    {0x043587cf, key_version::tpub},
    {0x045f1cf6, key_version::vpub},
};

// Public versions (SLIP-132) for address types the shop does not make: told apart from
// garbage so that the owner learns which key to export instead.
constexpr version_name unsupported_public[] = {
    {0x049d7cb2, "ypub (nested segwit, P2SH-P2WPKH)"},
    {0x044a5262, "upub (nested segwit, P2SH-P2WPKH)"},
    {0x0295b43f, "Ypub (multisig)"},
    {0x02aa7ed3, "Zpub (multisig)"},
    {0x024289ef, "Upub (multisig)"},
    {0x02575483, "Vpub (multisig)"},
};

// Private versions: refused as secrets even if the key data were not 0x00 || k.
constexpr std::uint32_t private_versions[] = {0x0488ade4, 0x049d7878, 0x04b2430c, 0x0295b005, 0x02aa7a99,
                                              0x04358394, 0x044a4e28, 0x045f18bc, 0x024285b5, 0x02575048};

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

void write_be32(std::uint32_t value, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(value >> 24);
  p[1] = static_cast<std::uint8_t>(value >> 16);
  p[2] = static_cast<std::uint8_t>(value >> 8);
  p[3] = static_cast<std::uint8_t>(value);
}

key_error describe(base58_problem problem) {
  switch (problem) {
    case base58_problem::bad_checksum:
      return make_key_error(key_problem::bad_checksum,
                            "the key's checksum does not match: a character is wrong, missing or swapped");
    case base58_problem::not_base58:
    case base58_problem::too_short:
      break;
  }
  return make_key_error(
      key_problem::malformed,
      "not an extended public key: expected 111 letters and digits starting xpub, zpub, tpub or vpub");
}

}  // namespace

const char* to_string(key_version version) noexcept {
  switch (version) {
    case key_version::xpub:
      return "xpub";
    case key_version::zpub:
      return "zpub";
    case key_version::tpub:
      return "tpub";
    case key_version::vpub:
      return "vpub";
  }
  return "unknown";
}

expected<extended_public_key, key_error> parse_extended_public_key(std::string_view text) {
  text = trim_whitespace(text);
  // First, before any other message could describe the text: secrets are refused whole.
  if (looks_like_a_secret(text)) return make_key_error(key_problem::secret_given, secret_refused_detail);
  auto decoded = base58check_decode(text);
  if (!decoded) return describe(decoded.error());
  const auto& raw = *decoded;
  if (raw.size() != serialized_size) {
    return make_key_error(key_problem::malformed,
                          "not an extended key: it decodes to " + std::to_string(raw.size()) + " bytes instead of 78");
  }
  const auto version_bytes = read_be32(raw.data());
  if (raw[key_offset] == 0x00 || std::find(std::begin(private_versions), std::end(private_versions), version_bytes) !=
                                     std::end(private_versions)) {
    return make_key_error(key_problem::secret_given, secret_refused_detail);
  }
  const auto known = std::find_if(std::begin(supported), std::end(supported),
                                  [&](const supported_version& v) { return v.bytes == version_bytes; });
  if (known == std::end(supported)) {
    for (const auto& other : unsupported_public) {
      if (other.bytes == version_bytes) {
        return make_key_error(key_problem::wrong_kind, std::string("this is a ") + other.name +
                                                           " key, for addresses the shop does not make; paste the "
                                                           "account's zpub (Bitcoin) or xpub (Ethereum)");
      }
    }
    return make_key_error(key_problem::malformed, "the key's version bytes are not those of an extended public key");
  }

  extended_public_key key;
  key.version = known->version;
  key.depth = raw[depth_offset];
  std::copy_n(raw.begin() + fingerprint_offset, key.parent_fingerprint.size(), key.parent_fingerprint.begin());
  key.child_number = read_be32(raw.data() + child_number_offset);
  std::copy_n(raw.begin() + chain_code_offset, key.chain_code.size(), key.chain_code.begin());
  std::copy_n(raw.begin() + key_offset, key.key.size(), key.key.begin());
  // A master key (depth 0) has no parent: BIP32 declares one that names a parent invalid.
  const bool names_parent =
      key.child_number != 0 ||
      std::any_of(key.parent_fingerprint.begin(), key.parent_fingerprint.end(), [](std::uint8_t b) { return b != 0; });
  if (key.depth == 0 && names_parent) {
    return make_key_error(key_problem::malformed, "the key claims depth 0 but names a parent");
  }
  if (!is_valid_public_key(key.key)) {
    return make_key_error(key_problem::invalid_point, "the key's public key is not a point on secp256k1");
  }
  return key;
}

std::string to_string(const extended_public_key& key) {
  bytes raw(serialized_size);
  const auto version = std::find_if(std::begin(supported), std::end(supported),
                                    [&](const supported_version& v) { return v.version == key.version; });
  write_be32(version->bytes, raw.data());
  raw[depth_offset] = key.depth;
  std::copy(key.parent_fingerprint.begin(), key.parent_fingerprint.end(), raw.begin() + fingerprint_offset);
  write_be32(key.child_number, raw.data() + child_number_offset);
  std::copy(key.chain_code.begin(), key.chain_code.end(), raw.begin() + chain_code_offset);
  std::copy(key.key.begin(), key.key.end(), raw.begin() + key_offset);
  return base58check_encode(raw);
}

expected<extended_public_key, key_error> derive_public_child(const extended_public_key& parent, std::uint32_t index) {
  if (index >= hardened_index) {
    return make_key_error(key_problem::unusable_index,
                          "a hardened child (index 2^31 or above) needs the private key and cannot be derived");
  }
  if (parent.depth == 255) return make_key_error(key_problem::unusable_index, "the key is at BIP32's deepest level");
  // I = HMAC-SHA512(key = chain code, data = serP(K) || ser32(i)); K_i = K + parse256(I_L)·G
  std::array<std::uint8_t, 37> data{};
  std::copy(parent.key.begin(), parent.key.end(), data.begin());
  write_be32(index, data.data() + parent.key.size());
  const auto i = hmac_sha512(parent.chain_code.data(), parent.chain_code.size(), data.data(), data.size());
  scalar_bytes tweak{};
  std::copy_n(i.begin(), tweak.size(), tweak.begin());
  const auto child_key = add_tweak(parent.key, tweak);
  if (!child_key) {
    // Probability below 2^-127; BIP32 says to go on with the next index.
    return make_key_error(key_problem::unusable_index,
                          "BIP32 gives index " + std::to_string(index) + " no key; use the next index");
  }
  extended_public_key child;
  child.version = parent.version;
  child.depth = static_cast<std::uint8_t>(parent.depth + 1);
  const auto parent_id = hash160(parent.key);
  std::copy_n(parent_id.begin(), child.parent_fingerprint.size(), child.parent_fingerprint.begin());
  child.child_number = index;
  std::copy(i.begin() + tweak.size(), i.end(), child.chain_code.begin());
  child.key = *child_key;
  return child;
}

}  // namespace chains
