#pragma once

// Authenticated encryption of one value: XChaCha20-Poly1305 (libsodium's
// IETF construction) with a random 192-bit nonce, so a key may seal any
// number of values. The `context` is associated data: it binds the sealed
// value to where it is stored (say "customers.email:<ref>"), so a value
// copied into another row or column does not open there.

#include <optional>
#include <string>
#include <string_view>

#include "sealing/secret_key.hpp"

namespace sealing {

/// base64 of nonce || ciphertext || tag.
std::string seal(const secret_key& key, std::string_view plaintext, std::string_view context);

/// The plaintext, or nullopt when `sealed` was not sealed by `key` for
/// `context`, or was changed since.
std::optional<std::string> open(const secret_key& key, std::string_view sealed, std::string_view context);

/// A subkey of `root` for one purpose (libsodium's crypto_kdf: BLAKE2b);
/// `purpose` is exactly 8 characters, `id` tells subkeys of one purpose apart.
secret_key derive(const secret_key& root, std::uint64_t id, std::string_view purpose);

/// Keyed BLAKE2b-256 of `text`, lower-case hex: equal texts give equal
/// hashes, and without the key nobody can test a guess.
std::string keyed_hash(const secret_key& key, std::string_view text);

/// Overwrites secret bytes held in a string before it is freed.
void wipe(std::string& bytes);

/// Standard base64 with padding, the text form of sealed values and keys.
std::string to_base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);

}  // namespace sealing
