#include "sealing/secret_key.hpp"

#include <sodium.h>

#include "sealing/sodium_ready.hpp"

namespace sealing {

secret_key secret_key::random() {
  ensure_sodium();
  secret_key key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

std::optional<secret_key> secret_key::from_bytes(std::string_view raw) {
  if (raw.size() != key_size) return std::nullopt;
  secret_key key;
  std::copy(raw.begin(), raw.end(), key.bytes_.begin());
  return key;
}

secret_key::~secret_key() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

bool operator==(const secret_key& a, const secret_key& b) {
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), key_size) == 0;
}

}  // namespace sealing
