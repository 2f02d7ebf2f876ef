#pragma once

#include <optional>
#include <string>

#include "chains/errors.hpp"
#include "chains/extended_public_key.hpp"

namespace chains {

/// Depth of an account key (m / purpose' / coin' / account', BIP44 and BIP84).
inline constexpr int account_depth = 3;

/// Whether `key` is an account's: depth 3 and a hardened index. A master key or a
/// chain's key would derive addresses the owner's wallet never shows.
/// `path` is the derivation the owner should export, e.g. "m/84'/0'/0'".
inline std::optional<key_error> check_account_level(const extended_public_key& key, const char* path) {
  if (key.depth == account_depth && key.child_number >= hardened_index) return std::nullopt;
  return make_key_error(key_problem::wrong_depth, "not an account's key (depth " + std::to_string(key.depth) +
                                                      "); export the account's extended public key at " + path);
}

}  // namespace chains
