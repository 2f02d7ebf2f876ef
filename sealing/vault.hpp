#pragma once

// Everything the engine seals with, in one object shared by the stores that
// read and write personal data:
// - the master keyring (from security.master_key_file, never in the database),
//   which wraps the shop's root key and every customer's data key;
// - keys derived from the root key: the secret behind order access tokens,
//   the key of the blind index that finds a customer by email, and the key
//   that seals the admins' TOTP secrets.
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

  /// The owner name a customer's data key is wrapped for ("customer:<ref>").
  static std::string customer_owner(std::string_view ref);

  /// An admin's TOTP secret sealed for the account `email`, and back
  /// (nullopt when it was sealed for another account or by another shop):
  /// a copy of the database alone cannot compute an admin's codes.
  std::string seal_totp_secret(std::string_view secret, std::string_view email) const;
  std::optional<std::string> open_totp_secret(std::string_view sealed, std::string_view email) const;

  /// A webhook endpoint's signing secret sealed for the endpoint `id`, and
  /// back (nullopt when sealed for another endpoint or by another shop): a
  /// copy of the database alone cannot sign a delivery.
  std::string seal_webhook_secret(std::string_view secret, std::string_view id) const;
  std::optional<std::string> open_webhook_secret(std::string_view sealed, std::string_view id) const;

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
  // Derived from the root key rather than a key of each admin's wrapped by
  // the master key like the customers': an admin's secret is never erased on
  // its own (a reset replaces it), so a key per admin would buy nothing, and
  // a derived key is stored nowhere and left as it is by a master key
  // rotation, which rewraps the root key without changing it.
  secret_key totp_key_;
  // Derived like totp_key_, for the same reasons.
  secret_key webhook_key_;
  std::string token_secret_;
};

}  // namespace sealing
