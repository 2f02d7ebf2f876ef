#include "identity/totp.hpp"

#include <liboath/oath.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "identity/tokens.hpp"
#include "identity/sodium_ready.hpp"

namespace identity {
namespace {

constexpr unsigned step_seconds = 30;
constexpr unsigned digits = 6;

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath could not be initialised");
  });
}

struct freed {
  void operator()(char* p) const { std::free(p); }
};

/// The raw key behind a base32 secret; empty when it is not base32.
std::string decode(std::string_view base32) {
  ensure_oath();
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_decode(base32.data(), base32.size(), &out, &length) != OATH_OK) return {};
  std::unique_ptr<char, freed> owned{out};
  return std::string(out, length);
}

std::string uri_escape(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~' || c == '@';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string new_totp_secret() {
  ensure_oath();
  ensure_sodium();
  char key[20];
  randombytes_buf(key, sizeof key);
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_encode(key, sizeof key, &out, &length) != OATH_OK)
    throw std::runtime_error("liboath could not encode a secret");
  std::unique_ptr<char, freed> owned{out};
  std::string secret(out, length);
  sodium_memzero(key, sizeof key);
  while (!secret.empty() && secret.back() == '=') secret.pop_back();
  return secret;
}

std::optional<std::int64_t> totp_step_of(std::string_view base32_secret, std::string_view code,
                                         std::int64_t now_unix) {
  if (code.size() != digits) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  const std::string key = decode(base32_secret);
  if (key.empty()) return std::nullopt;
  const std::string otp{code};
  int position = 0;
  const int found = oath_totp_validate2(key.data(), key.size(), static_cast<time_t>(now_unix), step_seconds, 0, 1,
                                        &position, otp.c_str());
  if (found < 0) return std::nullopt;
  return now_unix / step_seconds + position;
}

std::string totp_code(std::string_view base32_secret, std::int64_t now_unix) {
  const std::string key = decode(base32_secret);
  if (key.empty()) throw std::invalid_argument("the TOTP secret is not base32");
  char otp[digits + 1] = {};
  if (oath_totp_generate(key.data(), key.size(), static_cast<time_t>(now_unix), step_seconds, 0, digits, otp) !=
      OATH_OK)
    throw std::runtime_error("liboath could not make a code");
  return otp;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret) {
  const std::string label = uri_escape(issuer) + ":" + uri_escape(account);
  return "otpauth://totp/" + label + "?secret=" + std::string(base32_secret) + "&issuer=" + uri_escape(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace identity
