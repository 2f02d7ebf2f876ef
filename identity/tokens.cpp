#include "identity/tokens.hpp"

#include <sodium.h>

#include "identity/sodium_ready.hpp"

namespace identity {

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string digest(std::string_view secret) {
  ensure_sodium();
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string> new_recovery_codes(int count) {
  ensure_sodium();
  // Crockford's base32 letters: no I, L, O or U to misread.
  static constexpr char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    std::string code;
    for (int c = 0; c < 10; ++c) {
      if (c == 5) code += '-';
      code += alphabet[randombytes_uniform(32)];
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string normalise_recovery_code(std::string_view typed) {
  std::string letters;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    letters += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (letters.size() != 10) return letters;
  return letters.substr(0, 5) + '-' + letters.substr(5);
}

}  // namespace identity
