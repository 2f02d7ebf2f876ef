#pragma once

// Request counts and latencies by route for GET /metrics (Prometheus text
// format). Routes are the router's patterns ("/api/orders/{id}"), never raw
// paths, so the number of series stays bounded whatever clients send.

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace http {

class request_metrics {
 public:
  void observe(const std::string& method, const std::string& route, int status, std::chrono::nanoseconds took);
  /// Counter and histogram families, with HELP and TYPE lines.
  std::string render() const;

  static constexpr std::array<double, 11> buckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

 private:
  struct series {
    std::uint64_t count = 0;
    double sum_seconds = 0;
    std::array<std::uint64_t, buckets.size()> in_bucket{};  // cumulative counts are made at render time
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // (method, route, status)
  std::map<std::pair<std::string, std::string>, series> latency_;                // (method, route)
};

/// `value` escaped for a Prometheus label: backslash, double quote and newline.
std::string prometheus_label(const std::string& value);

}  // namespace http
