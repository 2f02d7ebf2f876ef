#include "sealing/vault.hpp"

#include <cctype>

#include "sealing/box.hpp"

namespace sealing {
namespace {

// crypto_kdf purposes (8 characters each): a new purpose gets a new name,
// never a new id under an old one.
constexpr std::string_view index_purpose = "blindidx";
constexpr std::string_view token_purpose = "tokensig";
constexpr std::string_view totp_purpose = "admntotp";
constexpr std::string_view webhook_purpose = "webhooks";

std::string totp_context(std::string_view email) {
  return "admin_users.totp_secret:" + std::string{email};
}

std::string webhook_context(std::string_view id) {
  return "webhook_endpoints.secret:" + std::string{id};
}

}  // namespace

vault::vault(std::shared_ptr<const keyring> master, const secret_key& root)
    : master_(std::move(master)),
      index_key_(derive(root, 1, index_purpose)),
      totp_key_(derive(root, 1, totp_purpose)),
      webhook_key_(derive(root, 1, webhook_purpose)) {
  const auto token_key = derive(root, 1, token_purpose);
  token_secret_ = keyed_hash(token_key, "order access tokens");
}

std::string vault::customer_owner(std::string_view ref) {
  return "customer:" + std::string{ref};
}

std::string vault::seal_totp_secret(std::string_view secret, std::string_view email) const {
  return seal(totp_key_, secret, totp_context(email));
}

std::optional<std::string> vault::open_totp_secret(std::string_view sealed, std::string_view email) const {
  return open(totp_key_, sealed, totp_context(email));
}

std::string vault::seal_webhook_secret(std::string_view secret, std::string_view id) const {
  return seal(webhook_key_, secret, webhook_context(id));
}

std::optional<std::string> vault::open_webhook_secret(std::string_view sealed, std::string_view id) const {
  return open(webhook_key_, sealed, webhook_context(id));
}

std::string vault::wrap_customer_key(const secret_key& key, std::string_view ref) const {
  return master_->wrap(key, customer_owner(ref));
}

std::optional<secret_key> vault::unwrap_customer_key(std::string_view wrapped, std::string_view ref) const {
  return master_->unwrap(wrapped, customer_owner(ref));
}

std::string vault::email_index(std::string_view email) const {
  const auto first = email.find_first_not_of(" \t");
  const auto last = email.find_last_not_of(" \t");
  std::string normal;
  if (first != std::string_view::npos)
    for (char c : email.substr(first, last - first + 1))
      normal.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return keyed_hash(index_key_, normal);
}

}  // namespace sealing
