// Checkout load generator: N keep-alive connections, each posting checkouts
// back to back for a fixed time against a running engine. Prints completed
// checkouts per second and latency percentiles. One thread, so that it takes
// as little CPU as possible from the engine and the database it measures.
// Each checkout is the storefront's real request: two items, a customer seen
// for the first time (a new name and email) and a fresh Idempotency-Key.
//
// usage: checkout_load --port P [--concurrency 1,8,32] [--seconds 10] [--warmup 2]

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

namespace {

/// The n-th checkout of this run (n also makes its customer and its key new).
std::string checkout_body(std::uint64_t n) {
  const auto id = std::to_string(n);
  return R"({"items":[{"sku":"HP-64XL-BLK","quantity":2},{"sku":"CANON-PG245XL-BLK","quantity":1}],)"
         R"("customer":{"name":"Load Tester )" +
         id + R"(","email":"load-)" + id + R"(@example.com"},)" + R"("shipping":{"line1":")" + id +
         R"( Euclid Ave","line2":"","city":"Cleveland","region":"OH","postal_code":"44115","country":"US"},)"
         R"("payment_method":"XMR"})";
}

/// Unique within a run and across runs on one database (the process id and the time it started).
std::string idempotency_key(std::uint64_t n) {
  static const auto run =
      std::to_string(::getpid()) + "-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  return "bench-" + run + "-" + std::to_string(n);
}

std::uint64_t next_checkout = 0;

struct stats {
  std::vector<double> latencies_ms;
  std::size_t created = 0;
  std::size_t failed = 0;
  bool measuring = false;
};

class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, asio::ip::tcp::endpoint server, stats& s, const clock_type::time_point& stop_at)
      : stream_(io), server_(server), stats_(s), stop_at_(stop_at) {
    request_.method(http::verb::post);
    request_.target("/api/orders");
    request_.version(11);
    request_.set(http::field::host, "127.0.0.1");
    request_.set(http::field::content_type, "application/json");
    request_.keep_alive(true);
  }

  void start() {
    stream_.async_connect(server_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail("connect", ec);
      self->stream_.socket().set_option(asio::ip::tcp::no_delay{true});
      self->send();
    });
  }

 private:
  void send() {
    if (clock_type::now() >= stop_at_) return;
    const auto n = next_checkout++;
    request_.set("Idempotency-Key", idempotency_key(n));
    request_.body() = checkout_body(n);
    request_.prepare_payload();
    started_ = clock_type::now();
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("write", ec);
      self->response_ = {};
      http::async_read(self->stream_, self->buffer_, self->response_,
                       [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail("read", ec);
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - started_).count();
    if (stats_.measuring) {
      if (response_.result_int() == 201) {
        ++stats_.created;
        stats_.latencies_ms.push_back(ms);
      } else {
        if (stats_.failed++ == 0)
          std::fprintf(stderr, "unexpected status %u: %s\n", response_.result_int(), response_.body().c_str());
      }
    }
    send();
  }

  void fail(const char* what, beast::error_code ec) {
    ++stats_.failed;
    std::fprintf(stderr, "%s: %s\n", what, ec.message().c_str());
  }

  beast::tcp_stream stream_;
  asio::ip::tcp::endpoint server_;
  stats& stats_;
  const clock_type::time_point& stop_at_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  beast::flat_buffer buffer_;
  clock_type::time_point started_;
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8080;
  double seconds = 10, warmup = 2;
  std::vector<int> levels = {1, 8, 32};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port"))
      port = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--warmup"))
      warmup = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--concurrency")) {
      levels.clear();
      std::stringstream list{argv[i + 1]};
      for (std::string item; std::getline(list, item, ',');) levels.push_back(std::stoi(item));
    }
  }
  const asio::ip::tcp::endpoint server{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
  std::printf("%-12s %14s %10s %10s %10s %8s\n", "concurrency", "checkouts/s", "p50 ms", "p99 ms", "max ms", "errors");
  for (int concurrency : levels) {
    asio::io_context io;
    stats s;
    auto stop_at = clock_type::now() +
                   std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup + seconds));
    for (int i = 0; i < concurrency; ++i) std::make_shared<client>(io, server, s, stop_at)->start();
    // Measure only after the warm-up, so connection set-up and cold caches do not count.
    asio::steady_timer warm{io,
                            std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup))};
    clock_type::time_point measured_from;
    warm.async_wait([&](beast::error_code) {
      s.measuring = true;
      measured_from = clock_type::now();
    });
    io.run();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - measured_from).count();
    std::vector<double> sorted = s.latencies_ms;
    const double max = sorted.empty() ? 0 : *std::max_element(sorted.begin(), sorted.end());
    std::printf("%-12d %14.0f %10.2f %10.2f %10.2f %8zu\n", concurrency, static_cast<double>(s.created) / elapsed,
                percentile(sorted, 50), percentile(sorted, 99), max, s.failed);
    std::fflush(stdout);
  }
  return 0;
}
