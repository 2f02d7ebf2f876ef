#include "chains/digests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace chains {

namespace {

// One-shot EVP digest. RIPEMD-160 is in OpenSSL 3.0's default provider since 3.0.7
// (Debian 12 ships 3.0.1x), so no legacy provider needs loading. A failure here is
// a broken OpenSSL, not bad input: it throws.
template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, const std::uint8_t* data, std::size_t size, const char* name) {
  std::array<std::uint8_t, N> out{};
  unsigned int written = 0;
  if (md == nullptr || EVP_Digest(data, size, out.data(), &written, md, nullptr) != 1 || written != N) {
    throw std::runtime_error(std::string("OpenSSL cannot compute ") + name);
  }
  return out;
}

}  // namespace

sha256_digest sha256(const std::uint8_t* data, std::size_t size) {
  return digest<32>(EVP_sha256(), data, size, "SHA-256");
}

sha256_digest double_sha256(const std::uint8_t* data, std::size_t size) {
  const auto once = sha256(data, size);
  return sha256(once.data(), once.size());
}

hash160_digest hash160(const std::uint8_t* data, std::size_t size) {
  const auto inner = sha256(data, size);
  return digest<20>(EVP_ripemd160(), inner.data(), inner.size(), "RIPEMD-160");
}

hmac_sha512_digest hmac_sha512(const std::uint8_t* key, std::size_t key_size, const std::uint8_t* data,
                               std::size_t size) {
  hmac_sha512_digest out{};
  unsigned int written = 0;
  if (HMAC(EVP_sha512(), key, static_cast<int>(key_size), data, size, out.data(), &written) == nullptr ||
      written != out.size()) {
    throw std::runtime_error("OpenSSL cannot compute HMAC-SHA512");
  }
  return out;
}

}  // namespace chains
