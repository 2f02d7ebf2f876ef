#include "chains/keccak.hpp"

#include <botan/hash.h>

#include <algorithm>
#include <stdexcept>

namespace chains {

keccak256_digest keccak256(const std::uint8_t* data, std::size_t size) {
  // create_or_throw: a Botan built without Keccak is a broken installation, not bad input.
  const auto hash = Botan::HashFunction::create_or_throw("Keccak-1600(256)");
  hash->update(data, size);
  const auto out = hash->final();
  keccak256_digest digest{};
  if (out.size() != digest.size()) throw std::runtime_error("Botan's Keccak-1600(256) is not 32 bytes");
  std::copy(out.begin(), out.end(), digest.begin());
  return digest;
}

}  // namespace chains
