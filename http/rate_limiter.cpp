#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace http {

rate_limiter::rate_limiter(int rate_per_second, int burst)
    : rate_(rate_per_second > 0 ? rate_per_second : 0),
      burst_(burst > 0 ? burst : 2.0 * rate_),
      refill_period_(rate_ > 0 ? std::chrono::duration_cast<clock::duration>(
                                     std::chrono::duration<double>(std::max(burst_ / rate_, 1.0)))
                               : clock::duration::zero()) {}

rate_limiter::decision rate_limiter::acquire(const std::string& key, clock::time_point now) {
  if (!enabled()) return {true, std::chrono::seconds{0}};
  std::lock_guard lock(mutex_);
  if (now >= next_sweep_) sweep(now);

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

}  // namespace http
