#pragma once

// Internal to config/: which keys are secret and how their values are hidden
// in what the engine prints (config_error), and how a parse error on a secret's
// line is kept from quoting it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace config {

enum class secrecy {
  whole_value,     // never shown: '<redacted>'
  password_inside  // a URL or libpq conninfo: shown with its password as ***
};

/// How `key` (a known key, "payments.XMR.wallet_rpc_password") is secret, if it is.
std::optional<secrecy> secrecy_of(std::string_view key);
/// For a key the schema does not know: secret when it looks like a misspelt
/// secret key or names a password, token or secret.
std::optional<secrecy> secrecy_of_unknown(std::string_view key);
/// `value` as it may be shown for a key of this secrecy.
std::string hidden(std::optional<secrecy> kind, std::string value);
/// The key a line of TOML text assigns ("admin.token"), "" when none.
std::string key_on_line(std::string_view text, std::size_t line);

/// How to make a good admin token, said with every refusal of a bad one.
inline constexpr std::string_view good_token_advice =
    "make a random one with `openssl rand -hex 32` (scripts/run makes one for you)";

}  // namespace config
