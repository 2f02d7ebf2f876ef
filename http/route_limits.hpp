#pragma once

// Rate limits on the routes an anonymous client can make expensive for us or
// for others: checkout (it writes orders and sends email), payment claims,
// requotes, erasure requests and refund addresses (each mails the customer),
// and analytics events. Every request to such a route counts, whether
// it is accepted or not; the key is the client (IPv6 by its /64).

#include <optional>

#include "http/message.hpp"
#include "http/rate_limiter.hpp"

namespace http {

struct route_limit {
  int per_minute = 0;  // 0: no limit
  int burst = 0;       // requests allowed at once; 0: per_minute
};

struct route_limit_settings {
  route_limit checkout{30, 10};
  route_limit order_actions{10, 10};  // payment claims, requotes, erasure requests and refund addresses
  route_limit analytics{60, 60};
  route_limit sign_in{5, 5};  // admin sign-ins: per client here, per account in sign_in_account
};

class route_limits {
 public:
  explicit route_limits(const route_limit_settings& settings);

  /// 429 `rate_limited` with Retry-After when the client is over its route's limit.
  std::optional<response> check(const request& head);
  /// The same for one more sign-in attempt on the account `email`, from anywhere.
  std::optional<response> check_sign_in_account(const std::string& email);

 private:
  rate_limiter checkout_;
  rate_limiter order_actions_;
  rate_limiter analytics_;
  rate_limiter sign_in_;
  rate_limiter sign_in_account_;
};

}  // namespace http
