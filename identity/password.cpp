#include "identity/password.hpp"

#include <sodium.h>

#include <set>
#include <stdexcept>

#include "identity/sodium_ready.hpp"

namespace identity {

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("not enough memory to hash a password");
  return out;
}

bool password_matches(const std::string& hash, std::string_view password) {
  ensure_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string password_weakness(std::string_view password) {
  constexpr std::size_t min_length = 12;
  constexpr std::size_t max_length = 1024;  // argon2 takes any length; a megabyte is an attack
  if (password.size() < min_length) return "use at least 12 characters";
  if (password.size() > max_length) return "use at most 1024 characters";
  const std::set<char> distinct(password.begin(), password.end());
  if (distinct.size() < 6) return "use more different characters";
  return "";
}

}  // namespace identity
