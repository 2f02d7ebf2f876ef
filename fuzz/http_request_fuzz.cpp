// The HTTP request path as a connection drives it, on raw bytes: Beast's
// request parser with the server's limits, the request head (target, query,
// headers, X-Forwarded-For), the header screen (back-office networks, admin
// credentials, route limits), then the API: router, DTOs, static pages. Up to three
// pipelined requests per input, as a keep-alive connection reads them.
//
// The engine behind the API is a stand-in that answers every call with "not
// found": what is fuzzed here is the web layer, not the engine. Like the
// session (http/session.cpp), an exception out of the handler is caught and
// becomes a 500; anything else that escapes is a finding.

#include <boost/asio/buffer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/admin_access.hpp"
#include "app/shop_service.hpp"
#include "domain/ip_network.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "http/request_head.hpp"

namespace {

namespace beast = boost::beast;
namespace bh = boost::beast::http;

// The server's defaults (config/engine.toml): what a request meets in production.
constexpr std::size_t header_limit = 8192;
constexpr std::size_t body_limit = 65536;
constexpr int max_requests = 3;

// Seeds carry this token so that the admin routes are reached past their prologue.
constexpr const char* admin_token = "fuzz-admin-token-5f3a9c27e1b84d60";
// The peer is one of the trusted proxies, so X-Forwarded-For decides the client.
constexpr const char* peer = "10.0.0.2";

domain::ip_network network(std::string_view cidr) {
  return *domain::ip_network::parse(cidr);
}

/// Every call completes at once with "not found" (or an empty report).
class stand_in_shop final : public app::shop_service {
 public:
  std::shared_ptr<const domain::catalog> catalog() const override { return catalog_; }
  const std::vector<domain::payment_method>& payment_methods() const override { return methods_; }
  domain::shipping_policy shipping_policy() const override { return {}; }
  void place_order(app::checkout_request, app::callback<app::placed_order> done) override { done(none()); }
  void get_order(domain::order_id, app::callback<domain::order> done) override { done(none()); }
  void execute(domain::order_id, domain::order_command, app::callback<domain::order> done) override { done(none()); }
  bool token_matches(const domain::order_id&, std::string_view token) const override { return token == "good"; }
  void count_event(std::string, app::callback<bool> done) override { done(true); }
  void list_orders(app::order_filter, app::callback<app::order_page> done) override { done(app::order_page{}); }
  void admin_order(domain::order_id, app::callback<app::admin_order_details> done) override { done(none()); }
  void dead_mail(app::callback<std::vector<app::dead_message>> done) override {
    done(std::vector<app::dead_message>{});
  }
  void retry_mail(std::int64_t, app::callback<bool> done) override { done(false); }
  void refunds(app::refund_list, app::order_filter, app::callback<app::refund_page> done) override {
    done(app::refund_page{});
  }
  void payment_exceptions(std::string, app::callback<std::vector<app::payment_exception>> done) override {
    done(std::vector<app::payment_exception>{});
  }
  void assign_exception(std::int64_t, domain::order_id, std::string,
                        app::callback<app::payment_exception> done) override {
    done(none());
  }
  void dismiss_exception(std::int64_t, std::string, std::string, app::callback<app::payment_exception> done) override {
    done(none());
  }
  void import_payments(std::string, app::callback<app::import_summary> done) override { done(none()); }
  void kpis(domain::timestamp, domain::timestamp, app::callback<domain::kpi_report> done) override { done(none()); }
  void erase_customer(std::string, app::callback<app::erasure_receipt> done) override { done(none()); }
  void erasure_requests(app::callback<std::vector<app::erasure_request>> done) override {
    done(std::vector<app::erasure_request>{});
  }
  void engine_metrics(std::function<void(app::engine_metrics)> done) override { done({}); }
  void check_readiness(std::function<void(app::readiness)> done) override { done({}); }
  void system_status(std::function<void(app::system_report)> done) override { done({}); }

 private:
  static domain::domain_error none() { return domain::make_error(domain::error_code::not_found, "no such thing"); }

  std::shared_ptr<const domain::catalog> catalog_ = std::make_shared<domain::catalog>();
  std::vector<domain::payment_method> methods_;
};

/// Knows no admin but the operator's token: sessions and API keys are never found.
class stand_in_access final : public app::admin_access {
 public:
  void sign_in(app::sign_in_attempt, app::callback<app::admin_session> done) override {
    done(domain::make_error(domain::error_code::invalid_credentials, "no"));
  }
  void authenticate(app::admin_credential, app::callback<std::optional<app::admin_identity>> done) override {
    done(std::optional<app::admin_identity>{});
  }
  void sign_out(std::string, app::callback<bool> done) override { done(false); }
  void issue_api_key(std::string, std::string, app::callback<app::issued_api_key> done) override {
    done(app::issued_api_key{});
  }
  void api_keys(app::callback<std::vector<app::api_key>> done) override { done(std::vector<app::api_key>{}); }
  void revoke_api_key(std::string, app::callback<bool> done) override { done(false); }
  void record(app::audit_entry) override {}
  void audit_log(app::audit_query, app::callback<std::vector<app::audit_entry>> done) override {
    done(std::vector<app::audit_entry>{});
  }
};

struct fixture {
  fixture() {
    // Audit lines and handler failures would be printed per execution.
    spdlog::set_level(spdlog::level::off);
    http::api_options options;
    options.admin_token = admin_token;
    options.web_root = CCC_FUZZ_WEB_ROOT;
    // Rate limits off: a limit reached after a few executions would hide the routes behind it.
    options.limits = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
    options.admin_allow_from = {network("10.0.0.0/8"), network("2001:db8::/32")};
    handlers = http::make_api(shop, access, std::move(options));
  }

  stand_in_shop shop;
  stand_in_access access;
  http::api_handlers handlers;
  const std::vector<domain::ip_network> trusted_proxies{network("10.0.0.0/24")};
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

/// Feeds `rest` to `parser` until it has the header (or the whole message);
/// what it consumed is removed from `rest`. The end of `rest` is the client
/// closing its side. False when the bytes are not a request.
bool feed(bh::request_parser<bh::string_body>& parser, std::string_view& rest, bool whole_message) {
  for (;;) {
    if (whole_message ? parser.is_done() : parser.is_header_done()) return true;
    beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec && ec != bh::error::need_more) return false;
    if (used == 0 && (ec == bh::error::need_more || rest.empty())) {
      parser.put_eof(ec);
      return !ec && (whole_message ? parser.is_done() : parser.is_header_done());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = the_fixture();
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  for (int n = 0; n < max_requests && !rest.empty(); ++n) {
    bh::request_parser<bh::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(header_limit));
    parser.body_limit(body_limit);
    if (!feed(parser, rest, false)) return 0;

    auto head = http::request_head(parser.get(), peer, f.trusted_proxies);
    if (!head) return 0;  // 400, connection closed
    std::optional<http::screen_verdict> verdict;
    f.handlers.on_headers(*head, [&verdict](http::screen_verdict v) { verdict = std::move(v); });
    if (!verdict) __builtin_trap();  // the stand-ins answer at once: a screen that never decides is a finding
    if (verdict->refusal) {
      if (!parser.is_done()) return 0;  // the body is not read: connection closed
      continue;
    }
    head->who = std::move(verdict->who);
    parser.eager(true);
    if (!feed(parser, rest, true)) return 0;

    http::request req = std::move(*head);
    req.body = std::move(parser.get().body());
    const bool keep_alive = parser.get().keep_alive();
    std::optional<http::response> answer;
    http::responder respond = [&answer](http::response res) {
      if (!answer) answer = std::move(res);
    };
    try {
      f.handlers.on_request(std::move(req), respond);
    } catch (...) {
      if (!answer) answer = http::problem(http::problem_type::internal, "the server failed to answer");
    }
    if (!keep_alive) return 0;
  }
  return 0;
}
