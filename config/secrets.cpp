// Which settings are secret, and how a secret is kept out of what the engine
// prints: error messages name the key and hide the value (or the password
// inside a URL). Also the rule a good admin token keeps.

#include "config/secrets.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace config {

namespace {

struct secret_key {
  std::string_view key;  // "*" stands for one segment: a coin's code
  secrecy kind;
};

// Every key whose value an error message must not show, in one place.
constexpr secret_key secret_keys[] = {
    {"admin.token", secrecy::whole_value},
    {"mail.password", secrecy::whole_value},
    {"payments.*.wallet_rpc_password", secrecy::whole_value},
    // A public key is no secret, but what an owner pastes there by mistake may be
    // a private key or a seed: a message about it never shows it.
    {"payments.*.xpub", secrecy::whole_value},
    {"payments.*.esplora_url", secrecy::password_inside},  // https://user:PASSWORD@host/api
    // A provider's URL carries its API key in the path (https://mainnet.infura.io/v3/KEY): all of it is secret.
    {"payments.*.rpc_url", secrecy::whole_value},
    {"database.url", secrecy::password_inside},  // postgresql://user:PASSWORD@host, password=PASSWORD
    {"database.app_url", secrecy::password_inside},
    {"mail.smtp_url", secrecy::password_inside},  // smtp://user:PASSWORD@host
    {"payments.*.wallet_rpc_url", secrecy::password_inside},
};
// mail.username and a coin's wallet_rpc_user are not secret: they name an account.

// An unknown key is most often a misspelt known one: "pasword" may well hold the
// password. Such a key is treated like the secret key it nearly is, and so is any
// unknown key whose name says what it holds.
constexpr std::string_view secret_sounding_names[] = {"passw", "pwd", "secret", "token"};

std::vector<std::string_view> segments(std::string_view key) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const auto dot = key.find('.', start);
    out.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

// Levenshtein distance, for short key names.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// `key` matches `pattern`, segment by segment; with `nearly`, the last segments
// may be up to two edits apart: "admin.tokne" nearly is "admin.token".
bool matches(std::string_view key, std::string_view pattern, bool nearly) {
  const auto k = segments(key);
  const auto p = segments(pattern);
  if (k.size() != p.size()) return false;
  for (std::size_t i = 0; i + 1 < k.size(); ++i) {
    if (p[i] != "*" && p[i] != k[i]) return false;
  }
  return nearly ? edit_distance(k.back(), p.back()) <= 2 : k.back() == p.back();
}

}  // namespace

std::optional<secrecy> secrecy_of(std::string_view key) {
  for (const secret_key& secret : secret_keys) {
    if (matches(key, secret.key, false)) return secret.kind;
  }
  return std::nullopt;
}

// For a key that is not in the schema.
std::optional<secrecy> secrecy_of_unknown(std::string_view key) {
  for (const secret_key& secret : secret_keys) {
    if (matches(key, secret.key, true)) return secret.kind;
  }
  std::string name(segments(key).back());
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view word : secret_sounding_names) {
    if (name.find(word) != std::string::npos) return secrecy::whole_value;
  }
  return std::nullopt;
}

namespace {

// "postgresql://app:PASSWORD@db/ccc" -> "postgresql://app:***@db/ccc", and every
// "password=VALUE" (libpq conninfo, or a URL's query) -> "password=***". Errs on the
// side of hiding: a URL's user info is taken to end at its last '@'.
std::string without_passwords(std::string_view text) {
  std::string out(text);
  std::string lower = out;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t at = lower.find("password"); at != std::string::npos; at = lower.find("password", at + 1)) {
    std::size_t i = at + std::string_view("password").size();
    while (i < out.size() && is_space(out[i])) ++i;
    if (i == out.size() || out[i] != '=') continue;
    ++i;
    while (i < out.size() && is_space(out[i])) ++i;
    std::size_t end = i;
    if (end < out.size() && out[end] == '\'') {  // conninfo quoting: 'it\'s secret'
      for (++end; end < out.size() && out[end] != '\''; ++end) {
        if (out[end] == '\\') ++end;
      }
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && !is_space(out[end]) && out[end] != '&') ++end;
    }
    if (end == i) continue;
    out.replace(i, end - i, "***");
    lower.replace(i, end - i, "***");
  }
  if (const auto scheme_end = out.find("://"); scheme_end != std::string::npos) {
    const auto user_start = scheme_end + 3;
    const auto at = out.rfind('@');
    const auto colon = out.find(':', user_start);
    if (at != std::string::npos && at > user_start && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  return out;
}

}  // namespace

std::string hidden(std::optional<secrecy> kind, std::string value) {
  if (!kind || value.empty()) return value;  // an empty secret gives nothing away and says what is wrong
  return *kind == secrecy::whole_value ? "<redacted>" : without_passwords(value);
}

// The key a line of TOML text assigns, with its table: "admin.token" for the line
// `token = 1234` after `[admin]`; "" when the line assigns nothing. Good enough
// for the usual one-key-per-line file, which is all it is used for: hiding a
// secret in a parse error.
std::string key_on_line(std::string_view text, std::size_t wanted) {
  const auto trimmed = [](std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return std::string_view{};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
  };
  std::string table;
  std::size_t number = 1;
  for (std::size_t start = 0; start <= text.size() && number <= wanted; ++number) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trimmed(text.substr(start, end - start));
    start = end + 1;
    if (!line.empty() && line.front() == '[') {
      std::string_view name = line.substr(0, line.find(']'));
      name.remove_prefix(std::min(name.find_first_not_of('['), name.size()));
      table = std::string(trimmed(name));
    } else if (number == wanted) {
      const auto equals = line.find('=');
      if (equals == std::string_view::npos) return {};
      std::string key(trimmed(line.substr(0, equals)));
      key.erase(std::remove(key.begin(), key.end(), '"'), key.end());
      return table.empty() ? key : table + "." + key;
    }
  }
  return {};
}

// The rule is documented in config.hpp; a random 32-character hex token breaks it with
// a chance of about 4 in 100 million (fewer than 8 different digits), base64 never.
std::optional<std::string> admin_token_weakness(std::string_view token) {
  constexpr std::size_t min_length = 16;
  constexpr std::size_t min_different = 8;
  const std::size_t n = token.size();
  if (n < min_length) {
    return "it has " + std::to_string(n) + " characters, fewer than " + std::to_string(min_length);
  }
  const std::size_t different = std::set<char>(token.begin(), token.end()).size();
  if (different < min_different) {
    return "it has only " + std::to_string(different) + " different characters, fewer than " +
           std::to_string(min_different);
  }
  // Its shortest period, from the longest proper prefix that is also a suffix (KMP).
  std::vector<std::size_t> border(n, 0);
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t k = border[i - 1];
    while (k > 0 && token[i] != token[k]) k = border[k - 1];
    border[i] = token[i] == token[k] ? k + 1 : 0;
  }
  const std::size_t period = n - border[n - 1];
  if (2 * period <= n) return "it is a piece of " + std::to_string(period) + " characters repeated";
  // A stretch where each character repeats the one before or is one more or one less.
  std::size_t longest = 1;
  for (std::size_t i = 1, run = 1; i < n; ++i) {
    run = std::abs(int(static_cast<unsigned char>(token[i])) - int(static_cast<unsigned char>(token[i - 1]))) <= 1
              ? run + 1
              : 1;
    longest = std::max(longest, run);
  }
  if (2 * longest > n) {
    return "more than half of it is one run of repeated or consecutive characters (like \"aaaa\" or \"1234\")";
  }
  return std::nullopt;
}

}  // namespace config
