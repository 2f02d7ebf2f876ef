#include "http/rate_limiter.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cmath>

namespace http {

rate_limiter::rate_limiter(int rate_per_second, int burst)
    : rate_limiter(static_cast<double>(std::max(rate_per_second, 0)),
                   burst > 0 ? static_cast<double>(burst) : 2.0 * std::max(rate_per_second, 0), default_max_clients) {}

rate_limiter::rate_limiter(double rate_per_second, double burst, std::size_t max_clients)
    : rate_(rate_per_second > 0 ? rate_per_second : 0),
      burst_(burst),
      refill_period_(rate_ > 0 ? std::chrono::duration_cast<clock::duration>(
                                     std::chrono::duration<double>(std::max(burst_ / rate_, 1.0)))
                               : clock::duration::zero()),
      max_clients_(max_clients) {}

rate_limiter rate_limiter::per_minute(int per_minute, int burst, std::size_t max_clients) {
  const double rate = per_minute > 0 ? per_minute / 60.0 : 0;
  return rate_limiter{rate, static_cast<double>(burst > 0 ? burst : std::max(per_minute, 1)), max_clients};
}

rate_limiter::decision rate_limiter::acquire(const std::string& key, clock::time_point now) {
  if (!enabled()) return {true, std::chrono::seconds{0}};
  std::lock_guard lock(mutex_);
  if (now >= next_sweep_) sweep(now);

  if (buckets_.size() >= max_clients_ && buckets_.find(key) == buckets_.end()) {
    sweep(now);
    if (buckets_.size() >= max_clients_) return {false, std::chrono::duration_cast<std::chrono::seconds>(refill_period_) + std::chrono::seconds{1}};
  }
  auto [it, inserted] = buckets_.try_emplace(key, bucket{burst_, now});
  auto& b = it->second;
  if (!inserted && now > b.last) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, std::chrono::seconds{0}};
  }
  auto wait = static_cast<long long>(std::ceil((1.0 - b.tokens) / rate_));
  return {false, std::chrono::seconds{std::max(wait, 1LL)}};
}

std::size_t rate_limiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

void rate_limiter::sweep(clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now - it->second.last >= refill_period_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  next_sweep_ = now + refill_period_;
}

std::string client_key(const std::string& address) {
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(address, ec);
  if (ec || !parsed.is_v6()) return address;
  auto bytes = parsed.to_v6().to_bytes();
  if (parsed.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6()).to_string();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace http
