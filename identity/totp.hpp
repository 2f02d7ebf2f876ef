#pragma once

// The admin's second factor: TOTP (RFC 6238) as every authenticator app
// speaks it — HMAC-SHA-1, 6 digits, 30-second steps — computed by liboath.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace identity {

/// A fresh shared secret (160 random bits), base32 without padding, the form
/// authenticator apps take.
std::string new_totp_secret();

/// The time step (30 s since the epoch) at which `code` is right for the
/// secret, looking one step either side of `now_unix` for clock drift;
/// nullopt when it is right at none. The caller keeps the last accepted step
/// so that a code works once.
std::optional<std::int64_t> totp_step_of(std::string_view base32_secret, std::string_view code,
                                         std::int64_t now_unix);

/// The code for the secret at `now_unix` (for the command line and tests).
std::string totp_code(std::string_view base32_secret, std::int64_t now_unix);

/// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…: what the QR code holds.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret);

}  // namespace identity
