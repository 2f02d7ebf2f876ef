#pragma once

// BIP32 extended public keys: parsing the base58check text an owner pastes (xpub, zpub,
// tpub, vpub), refusing anything secret, and public (non-hardened) child derivation.
// A public key derives every receiving address of its account and can spend nothing.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "chains/curve_point.hpp"
#include "chains/errors.hpp"
#include "chains/expected.hpp"

namespace chains {

/// The version bytes, which say the network and (SLIP-132) the address type.
enum class key_version : unsigned char {
  xpub,  ///< mainnet, no type given (BIP44: legacy Bitcoin, and every Ethereum wallet)
  zpub,  ///< mainnet native segwit (BIP84: P2WPKH, bc1q...)
  tpub,  ///< testnet and regtest, no type given
  vpub,  ///< testnet and regtest native segwit (BIP84)
};

const char* to_string(key_version) noexcept;

/// Index at and above which a child is hardened: only the private key derives it.
inline constexpr std::uint32_t hardened_index = 0x80000000u;

struct extended_public_key {
  key_version version = key_version::xpub;
  std::uint8_t depth = 0;                            ///< 0 for the master key, 3 for an account
  std::array<std::uint8_t, 4> parent_fingerprint{};  ///< first 4 bytes of HASH160(parent key)
  std::uint32_t child_number = 0;                    ///< this key's index under its parent
  std::array<std::uint8_t, 32> chain_code{};
  compressed_public_key key{};
};

/// Parses an extended public key. Whitespace around it is ignored. A private key or a
/// seed is refused as key_problem::secret_given; no error repeats any of the text.
expected<extended_public_key, key_error> parse_extended_public_key(std::string_view text);

/// The base58check text, as wallets show it.
std::string to_string(const extended_public_key& key);

/// CKDpub (BIP32): the child at `index`, which must not be hardened.
expected<extended_public_key, key_error> derive_public_child(const extended_public_key& parent, std::uint32_t index);

}  // namespace chains
