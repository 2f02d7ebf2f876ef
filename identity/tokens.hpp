#pragma once

// Secrets the back office hands out (session cookies, CSRF tokens, API keys,
// recovery codes) and the digests it keeps of them instead.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace identity {

/// `bytes` random bytes from the system's generator, base64url without padding.
std::string random_token(std::size_t bytes = 32);

/// SHA-256 of `secret`, lower-case hex. High-entropy secrets (tokens, keys,
/// recovery codes) need no slow hash: nobody can guess their way back.
std::string digest(std::string_view secret);

/// Equal, compared in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);

/// `count` single-use recovery codes, "xxxxx-xxxxx" from a 32-letter alphabet
/// (50 bits each), easy to read out and type.
std::vector<std::string> new_recovery_codes(int count = 10);

/// A recovery code as typed (any case, spaces or dashes anywhere) in the form
/// new_recovery_codes makes, so that its digest matches.
std::string normalise_recovery_code(std::string_view typed);

}  // namespace identity
