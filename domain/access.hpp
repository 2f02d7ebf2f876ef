#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/strong_types.hpp"

namespace domain {

/// Capabilities derived from the engine's secret (one per database, shared by
/// every node), so nothing about them needs storing: the customer's access
/// token for an order, the order id an Idempotency-Key stands for, and the
/// fingerprint that tells a retry from a different request.
class access_keys {
 public:
  explicit access_keys(const std::string& secret);

  /// 43 characters of base64url: HMAC-SHA256(secret, "order-access:" + id).
  std::string token_for(const order_id& id) const;
  /// Constant-time comparison against token_for(id).
  bool token_matches(const order_id& id, std::string_view token) const;

  /// The same key always names the same order, so concurrent retries meet at
  /// one order actor (single writer) instead of racing to create two orders.
  order_id order_for_idempotency_key(std::string_view key) const;

  /// Keyed, so the fingerprint of a request holding personal data cannot be
  /// reversed by guessing (events carry no personal data).
  std::string fingerprint(std::string_view canonical_request) const;

  /// Names one email recipient (trimmed, any case) without storing the address:
  /// what the mailer counts its sends per recipient by.
  std::string recipient_key(std::string_view email) const;

 private:
  struct keyed_hmac;  // HMAC-SHA256 with the secret already absorbed
  std::shared_ptr<const keyed_hmac> hmac_;
};

/// Formats 16 bytes as a lower-case UUID, stamping version and variant bits.
std::string format_uuid(const unsigned char (&bytes)[16], int version);

/// The 16 bytes of a UUID in its 36-character form (8-4-4-4-12 hex digits,
/// either case), or nothing for any other text.
std::optional<std::array<unsigned char, 16>> uuid_bytes(std::string_view text);

bool is_uuid(std::string_view text);

}  // namespace domain
