#include "http/request_metrics.hpp"

#include <sstream>

namespace http {

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void request_metrics::observe(const std::string& method, const std::string& route, int status,
                              std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  std::lock_guard<std::mutex> lock{mutex_};
  ++requests_[{method, route, status}];
  auto& s = latency_[{method, route}];
  ++s.count;
  s.sum_seconds += seconds;
  for (std::size_t i = 0; i < buckets.size(); ++i)
    if (seconds <= buckets[i]) {
      ++s.in_bucket[i];
      break;
    }
}

std::string request_metrics::render() const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock{mutex_};
  out << "# HELP ccc_http_requests_total HTTP requests answered, by route pattern and status.\n"
      << "# TYPE ccc_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out << "ccc_http_requests_total{method=\"" << method << "\",route=\"" << prometheus_label(route) << "\",status=\""
        << status << "\"} " << n << '\n';
  }
  out << "# HELP ccc_http_request_duration_seconds Time from a request read to its answer, by route pattern.\n"
      << "# TYPE ccc_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : latency_) {
    const std::string labels = "method=\"" + key.first + "\",route=\"" + prometheus_label(key.second) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      cumulative += s.in_bucket[i];
      out << "ccc_http_request_duration_seconds_bucket{" << labels << ",le=\"" << buckets[i] << "\"} " << cumulative
          << '\n';
    }
    out << "ccc_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << s.count << '\n'
        << "ccc_http_request_duration_seconds_sum{" << labels << "} " << s.sum_seconds << '\n'
        << "ccc_http_request_duration_seconds_count{" << labels << "} " << s.count << '\n';
  }
  return out.str();
}

}  // namespace http
