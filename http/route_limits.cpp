#include "http/route_limits.hpp"

#include <string>

#include "http/problem.hpp"

namespace http {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<response> refusal(rate_limiter& limiter, const std::string& key, const std::string& what) {
  if (!limiter.enabled()) return std::nullopt;
  const auto verdict = limiter.acquire(key);
  if (verdict.allowed) return std::nullopt;
  auto res = problem(problem_type::rate_limited, what + ", retry later");
  res.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after.count()));
  return res;
}

}  // namespace

route_limits::route_limits(const route_limit_settings& s)
    : checkout_(rate_limiter::per_minute(s.checkout.per_minute, s.checkout.burst)),
      order_actions_(rate_limiter::per_minute(s.order_actions.per_minute, s.order_actions.burst)),
      analytics_(rate_limiter::per_minute(s.analytics.per_minute, s.analytics.burst)),
      sign_in_(rate_limiter::per_minute(s.sign_in.per_minute, s.sign_in.burst)),
      sign_in_account_(rate_limiter::per_minute(s.sign_in.per_minute, s.sign_in.burst)) {}

std::optional<response> route_limits::check(const request& head) {
  if (head.method != "POST") return std::nullopt;
  rate_limiter* limiter = nullptr;
  if (head.path == "/api/orders")
    limiter = &checkout_;
  else if (head.path.rfind("/api/orders/", 0) == 0 &&
           (ends_with(head.path, "/payment-claim") || ends_with(head.path, "/requote") ||
            ends_with(head.path, "/erasure-request") || ends_with(head.path, "/refund-address")))
    limiter = &order_actions_;
  else if (head.path == "/api/analytics/events")
    limiter = &analytics_;
  else if (head.path == "/admin/api/session")
    limiter = &sign_in_;
  if (!limiter) return std::nullopt;
  return refusal(*limiter, client_key(head.remote_address), "too many requests of this kind from your address");
}

std::optional<response> route_limits::check_sign_in_account(const std::string& email) {
  // Spread over many addresses, guesses at one account still meet this one.
  return refusal(sign_in_account_, email, "too many sign-in attempts for this account");
}

}  // namespace http
