#pragma once

// Signed webhooks as the Standard Webhooks specification has them: what an
// order event tells a subscriber, how the body is signed, which targets the
// engine may be made to call, and when a failed delivery is tried again.
// Pure: the caller brings the time, the random bytes and the resolved address.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/checkout.hpp"
#include "domain/expected.hpp"

namespace domain {

/// The journaled event types an endpoint may subscribe to (every order event).
const std::vector<std::string>& webhook_event_types();
bool is_webhook_event_type(std::string_view type);

/// An endpoint's subscription: a list of event types, or "*" for all of them.
bool subscribes_to(const std::vector<std::string>& subscribed, std::string_view type);

/// What one order event tells a subscriber: the order's id and number, the
/// event, the order's status after it and when it happened; no personal data.
struct webhook_event_facts {
  std::string order_id;
  std::string order_number;
  std::int64_t seq = 0;
  std::string event_type;
  std::string status;
  std::int64_t occurred_at_ms = 0;
};

/// {"type": "order.<event>", "timestamp": RFC 3339, "data": {...}}, the
/// envelope the specification recommends.
nlohmann::json webhook_payload(const webhook_event_facts& facts);

/// The customer's personal data for an endpoint that opted in
/// (include_personal_data), opened at send time.
struct webhook_customer {
  bool erased = false;  // crypto-shredded: nothing below is known any more
  std::string name;
  std::string email;
  std::optional<shipping_address> shipping;
};

/// `payload` (webhook_payload) with data.customer {erased, name, email} and
/// data.shipping {line1, line2, city, region, postal_code, country}, as the
/// admin's order view shows them. After erasure, or for a customer that
/// cannot be read (nullopt), customer is {erased: true, name: null, email:
/// null} and shipping null: the payload then holds no personal data.
nlohmann::json with_personal_data(nlohmann::json payload, const std::optional<webhook_customer>& customer);

/// "whsec_" + base64 of the key bytes (the specification's secret format).
std::string webhook_secret_text(const std::vector<unsigned char>& key);

/// The key bytes of a "whsec_..." secret; nullopt when it is not one.
std::optional<std::vector<unsigned char>> webhook_secret_key(std::string_view secret);

/// The webhook-signature header: "v1," + base64 of HMAC-SHA256 under the
/// secret's key of "<id>.<timestamp>.<body>"; nullopt for a malformed secret.
std::optional<std::string> webhook_signature(std::string_view secret, std::string_view id,
                                             std::int64_t timestamp_seconds, std::string_view body);

/// A target the engine may POST to, split for the transport.
struct webhook_target {
  std::string url;
  std::string scheme;  // http or https
  std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
  int port = 0;
  bool host_is_address = false;
};

enum class target_problem {
  malformed,       // not an absolute http(s) URL we accept
  private_address  // loopback, private, link-local, unique-local ...: the engine's own network
};

struct target_error {
  target_problem problem = target_problem::malformed;
  std::string detail;  // a sentence for a person
};

/// Checks a URL the owner registers: http or https only, no user info, no
/// fragment, a host and an optional port; a host that is an address on a
/// loopback or private network, or "localhost", is refused unless
/// `allow_private`. A name is checked again by address when it is resolved
/// (is_private_address), every time something is sent to it.
expected<webhook_target, target_error> check_webhook_target(std::string_view url, bool allow_private);

/// Whether an IPv4 or IPv6 address (IPv4-mapped included) is one the engine
/// must not be aimed at: unspecified, loopback, private (RFC 1918, ULA),
/// carrier-grade NAT, link-local, multicast or broadcast. Unparsable counts as private.
bool is_private_address(std::string_view address);

/// How long after its `failed_attempts`-th failure a delivery is tried again:
/// `retry_after`, doubling, at most `retry_max`.
std::chrono::milliseconds webhook_backoff(int failed_attempts, std::chrono::milliseconds retry_after,
                                          std::chrono::milliseconds retry_max);

}  // namespace domain
