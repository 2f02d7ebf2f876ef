#pragma once

// Everything the engine seals with, in one object shared by the stores that
// read and write personal data:
// - the master keyring (from security.master_key_file, never in the database),
//   which wraps the shop's root key and every customer's data key;
// - keys derived from the root key: the secret behind order access tokens and
//   the key of the blind index that finds a customer by email.
// The root key is random and stored wrapped, so rotating the master key
// rewraps it without changing a token or an index entry.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sealing/keyring.hpp"
#include "sealing/secret_key.hpp"

namespace sealing {

class vault {
 public:
  vault(std::shared_ptr<const keyring> master, const secret_key& root);

  const keyring& master() const { return *master_; }

  /// A customer's data key, wrapped for "customer:<ref>" and back.
  std::string wrap_customer_key(const secret_key& key, std::string_view ref) const;
  std::optional<secret_key> unwrap_customer_key(std::string_view wrapped, std::string_view ref) const;

  /// The blind index of an email address: a keyed hash of it trimmed and in
  /// lower case, so a search finds "Ada@Example.com" as "ada@example.com"
  /// while the database holds no address.
  std::string email_index(std::string_view email) const;

  /// The secret that signs order access tokens, idempotency ids and request
  /// fingerprints (hex), and the one that counts mail per recipient.
  const std::string& token_secret() const { return token_secret_; }

  /// The owner name the root key is wrapped for.
  static constexpr std::string_view root_owner = "shop root key";

 private:
  std::shared_ptr<const keyring> master_;
  secret_key index_key_;
  std::string token_secret_;
};

}  // namespace sealing
