#pragma once

// What can be wrong with an account key or an address. The codes are stable (a caller
// branches on them); the detail is a sentence for a person and never repeats the text
// that was given: it may be a secret, and errors end up in logs.

#include <string>
#include <utility>

namespace chains {

enum class key_problem : unsigned char {
  secret_given,    // a private key or a seed: refused, and start-up exits 2
  malformed,       // not base58, wrong length, or bytes that are no extended key
  bad_checksum,    // base58check checksum does not match: a typo
  wrong_kind,      // a public key of another kind (e.g. an xpub where a zpub is needed)
  wrong_network,   // a testnet key for a mainnet shop, or the other way round
  wrong_depth,     // not the account level (m/84'/0'/0' or m/44'/60'/0')
  invalid_point,   // the key bytes are not a point on secp256k1
  unusable_index,  // hardened index, or a child BIP32 declares invalid (use the next index)
};

enum class address_problem : unsigned char {
  format,            // not an address of this coin at all (characters, length, shape)
  checksum,          // the checksum does not match: a typo
  network,           // an address of another network (testnet on mainnet, ...)
  unsupported_coin,  // no check exists for this coin
};

const char* to_string(key_problem) noexcept;
const char* to_string(address_problem) noexcept;

struct key_error {
  key_problem problem = key_problem::malformed;
  std::string detail;
};

struct address_error {
  address_problem problem = address_problem::format;
  std::string detail;
};

inline key_error make_key_error(key_problem problem, std::string detail) {
  return key_error{problem, std::move(detail)};
}

inline address_error make_address_error(address_problem problem, std::string detail) {
  return address_error{problem, std::move(detail)};
}

}  // namespace chains
