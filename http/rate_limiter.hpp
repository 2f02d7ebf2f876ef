#pragma once

// Token bucket per client key (the peer IP, IPv6 by its /64). Thread-safe,
// and bounded: at most `max_clients` buckets; a new client beyond that is
// refused until idle buckets are swept (a flood of addresses fails closed).

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

  static constexpr std::size_t default_max_clients = 100000;

  /// `rate_per_second` <= 0 disables the limiter; `burst` <= 0 means 2 x rate.
  rate_limiter(int rate_per_second, int burst);
  /// `per_minute` <= 0 disables the limiter; `burst` <= 0 means per_minute.
  static rate_limiter per_minute(int per_minute, int burst, std::size_t max_clients = default_max_clients);

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

  rate_limiter(double rate_per_second, double burst, std::size_t max_clients);
  void sweep(clock::time_point now);

  double rate_;
  double burst_;
  clock::duration refill_period_;  // empty bucket to full: an idle bucket this old is as good as none
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
  clock::time_point next_sweep_{};
  std::size_t max_clients_ = default_max_clients;
};

/// The key a client is limited by: its IPv4 address, or the /64 network of its
/// IPv6 address (one subscriber usually holds a whole /64). Anything that is not
/// an IP address is its own key.
std::string client_key(const std::string& address);

}  // namespace http
