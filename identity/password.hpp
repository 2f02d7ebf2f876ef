#pragma once

// Admin passwords, hashed with argon2id (libsodium's crypto_pwhash_str): a
// self-describing string holding the salt and the cost, so that the cost can
// be raised later without losing the hashes made before.

#include <string>
#include <string_view>

namespace identity {

/// The argon2id hash of `password` (about 0.1 s and 64 MiB: run it off the
/// cooperative threads). Throws std::runtime_error when memory runs out.
std::string hash_password(std::string_view password);

/// Whether `password` is the one `hash` was made from. Takes as long as hashing.
bool password_matches(const std::string& hash, std::string_view password);

/// Why `password` is too weak for an admin, or "" when it will do.
std::string password_weakness(std::string_view password);

}  // namespace identity
