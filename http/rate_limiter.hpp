#pragma once

// Token bucket per client key (the peer IP). Thread-safe.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace http {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  struct decision {
    bool allowed;
    std::chrono::seconds retry_after;  // when refused: until one token is back (at least 1 s)
  };

  /// `rate_per_second` <= 0 disables the limiter; `burst` <= 0 means 2 x rate.
  rate_limiter(int rate_per_second, int burst);

  bool enabled() const { return rate_ > 0; }

  /// Takes one token from `key`'s bucket if it has one.
  decision acquire(const std::string& key, clock::time_point now = clock::now());

  /// Buckets currently held; idle ones are dropped, so this stays bounded by the
  /// number of clients seen within one refill period.
  std::size_t tracked_clients() const;

 private:
  struct bucket {
    double tokens;
    clock::time_point last;
  };

  void sweep(clock::time_point now);

  double rate_;
  double burst_;
  clock::duration refill_period_;  // empty bucket to full: an idle bucket this old is as good as none
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
  clock::time_point next_sweep_{};
};

}  // namespace http
