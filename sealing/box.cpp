#include "sealing/box.hpp"

#include <sodium.h>

#include <stdexcept>

#include "sealing/sodium_ready.hpp"

namespace sealing {
namespace {

constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

void wipe(std::string& bytes) {
  sodium_memzero(bytes.data(), bytes.size());
}

std::string to_base64(std::string_view raw) {
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(raw), raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string raw(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(), text.size(), nullptr,
                        &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  raw.resize(length);
  return raw;
}

std::string seal(const secret_key& key, std::string_view plaintext, std::string_view context) {
  ensure_sodium();
  std::string out(nonce_size + plaintext.size() + tag_size, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, nonce_size);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + nonce_size, &written, bytes(plaintext), plaintext.size(),
                                             bytes(context), context.size(), nullptr, nonce, key.data());
  return to_base64(out);
}

std::optional<std::string> open(const secret_key& key, std::string_view sealed, std::string_view context) {
  ensure_sodium();
  auto raw = from_base64(sealed);
  if (!raw || raw->size() < nonce_size + tag_size) return std::nullopt;
  const auto* nonce = bytes(*raw);
  std::string plain(raw->size() - nonce_size - tag_size, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
                                                 nonce + nonce_size, raw->size() - nonce_size, bytes(context),
                                                 context.size(), nonce, key.data()) != 0)
    return std::nullopt;
  plain.resize(length);
  return plain;
}

secret_key derive(const secret_key& root, std::uint64_t id, std::string_view purpose) {
  if (purpose.size() != crypto_kdf_CONTEXTBYTES) throw std::invalid_argument("a key purpose is 8 characters");
  ensure_sodium();
  std::string sub(key_size, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(sub.data()), sub.size(), id, purpose.data(), root.data());
  auto key = *secret_key::from_bytes(sub);
  sodium_memzero(sub.data(), sub.size());
  return key;
}

std::string keyed_hash(const secret_key& key, std::string_view text) {
  ensure_sodium();
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, bytes(text), text.size(), key.data(), key_size);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace sealing
