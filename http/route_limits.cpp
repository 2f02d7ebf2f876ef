#include "http/route_limits.hpp"

#include <string>

#include "http/problem.hpp"

namespace http {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

route_limits::route_limits(const route_limit_settings& s)
    : checkout_(rate_limiter::per_minute(s.checkout.per_minute, s.checkout.burst)),
      order_actions_(rate_limiter::per_minute(s.order_actions.per_minute, s.order_actions.burst)),
      analytics_(rate_limiter::per_minute(s.analytics.per_minute, s.analytics.burst)) {}

std::optional<response> route_limits::check(const request& head) {
  if (head.method != "POST") return std::nullopt;
  rate_limiter* limiter = nullptr;
  if (head.path == "/api/orders")
    limiter = &checkout_;
  else if (head.path.rfind("/api/orders/", 0) == 0 && (ends_with(head.path, "/payment-claim") || ends_with(head.path, "/requote")))
    limiter = &order_actions_;
  else if (head.path == "/api/analytics/events")
    limiter = &analytics_;
  if (!limiter || !limiter->enabled()) return std::nullopt;
  const auto verdict = limiter->acquire(client_key(head.remote_address));
  if (verdict.allowed) return std::nullopt;
  auto res = problem(problem_type::rate_limited, "too many requests of this kind from your address, retry later");
  res.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after.count()));
  return res;
}

}  // namespace http
