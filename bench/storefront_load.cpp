// Storefront load generator: N keep-alive connections, each sending requests
// back to back for a fixed time against a running engine, as a shop's visitors
// and its admin do. Prints requests per second and latency percentiles. One
// thread, so that it takes as little CPU as possible from the engine and the
// database it measures.
//
// What each connection sends next is drawn from the mix (weights, default
// checkout only):
//   checkout  POST /api/orders: the storefront's real request, two items, a
//             customer seen for the first time (a new name and email) and a
//             fresh Idempotency-Key
//   browse    GET /api/products: the catalog page
//   poll      GET /api/orders/{id} with the order's token: a customer's order
//             page refreshing, on an order this run placed (a checkout until one exists)
//   admin     GET /admin/api/orders?limit=50: the dashboard's first orders page
//             (needs --admin-token)
//
// usage: storefront_load --port P [--concurrency 1,8,32] [--seconds 10] [--warmup 2]
//                        [--mix checkout=10,browse=60,poll=25,admin=5] [--admin-token T]
// With the default mix it prints one line per concurrency (checkouts/s);
// with another, one line per kind and one for all of them.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
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

enum kind { checkout, browse, poll, admin, kinds };
const char* const kind_names[kinds] = {"checkout", "browse", "poll", "admin"};

struct kind_stats {
  std::vector<double> latencies_ms;
  std::size_t failed = 0;
};

struct stats {
  kind_stats of[kinds];
  bool measuring = false;
};

/// An order this run placed, for the customer's page polls.
struct placed_order {
  std::string id;
  std::string token;
};

struct run_settings {
  std::vector<std::pair<kind, int>> mix;  // weights
  int total_weight = 0;
  std::string admin_token;
};

/// The value of `"name":"..."` in a JSON body (ids and tokens: no escapes).
std::string json_string_field(const std::string& body, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto at = body.find(key);
  if (at == std::string::npos) return {};
  const auto from = at + key.size();
  const auto to = body.find('"', from);
  return to == std::string::npos ? std::string{} : body.substr(from, to - from);
}

class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, asio::ip::tcp::endpoint server, stats& s, const clock_type::time_point& stop_at,
         const run_settings& settings, std::vector<placed_order>& placed, unsigned seed)
      : stream_(io), server_(server), stats_(s), stop_at_(stop_at), settings_(settings), placed_(placed),
        random_(seed) {
    for (const auto& [k, weight] : settings_.mix)
      if (k == poll) keeps_orders_ = true;
  }

  void start() {
    stream_.async_connect(server_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail(checkout, "connect", ec);
      self->stream_.socket().set_option(asio::ip::tcp::no_delay{true});
      self->send();
    });
  }

 private:
  kind draw() {
    int ticket = std::uniform_int_distribution<int>{0, settings_.total_weight - 1}(random_);
    for (const auto& [k, weight] : settings_.mix) {
      if (ticket < weight) return k;
      ticket -= weight;
    }
    return checkout;
  }

  void prepare(kind k) {
    request_ = {};
    request_.version(11);
    request_.set(http::field::host, "127.0.0.1");
    request_.keep_alive(true);
    if (k == poll && placed_.empty()) k = checkout;
    current_ = k;
    switch (k) {
      case checkout: {
        const auto n = next_checkout++;
        request_.method(http::verb::post);
        request_.target("/api/orders");
        request_.set(http::field::content_type, "application/json");
        request_.set("Idempotency-Key", idempotency_key(n));
        request_.body() = checkout_body(n);
        break;
      }
      case browse:
        request_.method(http::verb::get);
        request_.target("/api/products");
        break;
      case poll: {
        const auto& order = placed_[std::uniform_int_distribution<std::size_t>{0, placed_.size() - 1}(random_)];
        request_.method(http::verb::get);
        request_.target("/api/orders/" + order.id);
        request_.set(http::field::authorization, "Bearer " + order.token);
        break;
      }
      case admin:
        request_.method(http::verb::get);
        request_.target("/admin/api/orders?limit=50");
        request_.set(http::field::authorization, "Bearer " + settings_.admin_token);
        break;
      case kinds:
        break;
    }
    request_.prepare_payload();
  }

  void send() {
    if (clock_type::now() >= stop_at_) return;
    prepare(draw());
    started_ = clock_type::now();
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(self->current_, "write", ec);
      self->response_ = {};
      http::async_read(self->stream_, self->buffer_, self->response_,
                       [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(current_, "read", ec);
    const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - started_).count();
    const unsigned expected = current_ == checkout ? 201 : 200;
    const bool ok = response_.result_int() == expected;
    if (ok && current_ == checkout && keeps_orders_)
      placed_.push_back({json_string_field(response_.body(), "id"),
                         json_string_field(response_.body(), "access_token")});
    if (stats_.measuring) {
      auto& of = stats_.of[current_];
      if (ok) {
        of.latencies_ms.push_back(ms);
      } else if (of.failed++ == 0) {
        std::fprintf(stderr, "%s: unexpected status %u: %s\n", kind_names[current_], response_.result_int(),
                     response_.body().c_str());
      }
    }
    send();
  }

  void fail(kind k, const char* what, beast::error_code ec) {
    ++stats_.of[k].failed;
    std::fprintf(stderr, "%s: %s\n", what, ec.message().c_str());
  }

  beast::tcp_stream stream_;
  asio::ip::tcp::endpoint server_;
  stats& stats_;
  const clock_type::time_point& stop_at_;
  const run_settings& settings_;
  std::vector<placed_order>& placed_;
  std::mt19937 random_;
  bool keeps_orders_ = false;  // the mix polls orders: remember the ones placed
  kind current_ = checkout;
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

/// "checkout=10,browse=60": the weights; exits with a message on anything else.
run_settings parse_mix(const std::string& text) {
  run_settings settings;
  std::stringstream list{text};
  for (std::string item; std::getline(list, item, ',');) {
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq);
    int weight = eq == std::string::npos ? 0 : std::atoi(item.c_str() + eq + 1);
    int k = 0;
    while (k < kinds && name != kind_names[k]) ++k;
    if (k == kinds || weight <= 0) {
      std::fprintf(stderr, "--mix: \"%s\" is not kind=weight with kind checkout, browse, poll or admin\n",
                   item.c_str());
      std::exit(2);
    }
    settings.mix.emplace_back(static_cast<kind>(k), weight);
    settings.total_weight += weight;
  }
  return settings;
}

void print_line(const std::string& level, const char* what, std::vector<double> latencies, std::size_t failed,
                double elapsed, bool with_kind) {
  const double max = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
  const double rate = static_cast<double>(latencies.size()) / elapsed;
  if (with_kind)
    std::printf("%-12s %-9s %12.0f %10.2f %10.2f %10.2f %8zu\n", level.c_str(), what, rate,
                percentile(latencies, 50), percentile(latencies, 99), max, failed);
  else
    std::printf("%-12s %14.0f %10.2f %10.2f %10.2f %8zu\n", level.c_str(), rate, percentile(latencies, 50),
                percentile(latencies, 99), max, failed);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8080;
  double seconds = 10, warmup = 2;
  std::vector<int> levels = {1, 8, 32};
  run_settings settings = parse_mix("checkout=1");
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port"))
      port = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--warmup"))
      warmup = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--mix"))
      settings.mix = parse_mix(argv[i + 1]).mix;
    else if (!std::strcmp(argv[i], "--admin-token"))
      settings.admin_token = argv[i + 1];
    else if (!std::strcmp(argv[i], "--concurrency")) {
      levels.clear();
      std::stringstream list{argv[i + 1]};
      for (std::string item; std::getline(list, item, ',');) levels.push_back(std::stoi(item));
    }
  }
  settings.total_weight = 0;
  bool only_checkout = true;
  for (const auto& [k, weight] : settings.mix) {
    settings.total_weight += weight;
    if (k != checkout) only_checkout = false;
    if (k == admin && settings.admin_token.empty()) {
      std::fprintf(stderr, "--mix with admin needs --admin-token\n");
      return 2;
    }
  }
  const asio::ip::tcp::endpoint server{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
  if (only_checkout)
    std::printf("%-12s %14s %10s %10s %10s %8s\n", "concurrency", "checkouts/s", "p50 ms", "p99 ms", "max ms",
                "errors");
  else
    std::printf("%-12s %-9s %12s %10s %10s %10s %8s\n", "concurrency", "kind", "requests/s", "p50 ms", "p99 ms",
                "max ms", "errors");
  std::vector<placed_order> placed;
  for (int concurrency : levels) {
    asio::io_context io;
    stats s;
    auto stop_at = clock_type::now() +
                   std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup + seconds));
    for (int i = 0; i < concurrency; ++i)
      std::make_shared<client>(io, server, s, stop_at, settings, placed, static_cast<unsigned>(i + 1))->start();
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
    const auto level = std::to_string(concurrency);
    if (only_checkout) {
      print_line(level, "checkout", s.of[checkout].latencies_ms, s.of[checkout].failed, elapsed, false);
    } else {
      std::vector<double> all;
      std::size_t all_failed = 0;
      for (int k = 0; k < kinds; ++k) {
        if (s.of[k].latencies_ms.empty() && s.of[k].failed == 0) continue;
        print_line(level, kind_names[k], s.of[k].latencies_ms, s.of[k].failed, elapsed, true);
        all.insert(all.end(), s.of[k].latencies_ms.begin(), s.of[k].latencies_ms.end());
        all_failed += s.of[k].failed;
      }
      print_line(level, "all", all, all_failed, elapsed, true);
    }
    std::fflush(stdout);
  }
  return 0;
}
