#include "http/api.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "domain/access.hpp"
#include "domain/order_json.hpp"
#include "domain/time.hpp"
#include "http/dto.hpp"
#include "http/problem.hpp"
#include "http/qr_svg.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace http {

using domain::error_code;
using nlohmann::json;

namespace {

int status_of(error_code code) {
  switch (code) {
    case error_code::validation:
    case error_code::out_of_stock:
    case error_code::idempotency_conflict:
      return 422;
    case error_code::not_found:
      return 404;
    case error_code::invalid_transition:
    case error_code::quote_expired:
    case error_code::duplicate_payment:
    case error_code::conflict:
      return 409;
    case error_code::unavailable:
      return 503;
    case error_code::internal:
      return 500;
  }
  return 500;
}

const char* title_of(error_code code) {
  switch (code) {
    case error_code::validation:
      return "The request is not valid";
    case error_code::out_of_stock:
      return "An item is out of stock";
    case error_code::not_found:
      return "Not found";
    case error_code::invalid_transition:
      return "The order's status does not allow this";
    case error_code::quote_expired:
      return "The payment quote has expired";
    case error_code::idempotency_conflict:
      return "Idempotency-Key reused with a different request";
    case error_code::conflict:
      return "Concurrent change, retry";
    case error_code::duplicate_payment:
      return "The transaction was counted already";
    case error_code::unavailable:
      return "Temporarily unavailable";
    case error_code::internal:
      return "Internal error";
  }
  return "Internal error";
}

response error_response(const domain::domain_error& e) {
  json extra = json::object();
  if (!e.field.empty()) extra["field"] = e.field;
  return problem(status_of(e.code), domain::to_string(e.code), title_of(e.code), e.detail, std::move(extra));
}

response not_found() {
  return problem(404, "not_found", "Not found", "no such order");
}

/// Answers with the order as its customer sees it, or the problem.
callback<domain::order> reply_with_order(responder respond) {
  return [respond](domain::result<domain::order> r) {
    respond(r ? json_response(200, domain::customer_view(r.value())) : error_response(r.error()));
  };
}

/// Parses a JSON body; an empty body is JSON null (for bodies that are optional).
std::optional<json> parse_body(const request& req, responder& respond) {
  if (req.body.empty()) return json(nullptr);
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    respond(
        problem(400, "malformed_json", "The body is not valid JSON", "the request body could not be parsed as JSON"));
    return std::nullopt;
  }
  return body;
}

std::string bearer_token(const request& req) {
  const std::string auth = req.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (auth.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), auth.begin(),
                                                [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
    return auth.substr(scheme.size());
  return {};
}

json product_json(const domain::product& p) {
  return {{"sku", p.id.value()},          {"name", p.name},           {"description", p.description},
          {"price_cents", p.price.value}, {"image_url", p.image_url}, {"in_stock", p.in_stock()}};
}

json admin_order_json(const admin_order_details& d) {
  json view = domain::customer_view(d.order);
  if (d.customer) {
    view["customer"] = {{"ref", d.customer->ref}, {"name", d.customer->name}, {"email", d.customer->email}};
    auto shipping = json::parse(d.customer->shipping_json, nullptr, false);
    view["shipping"] = shipping.is_discarded() ? json(nullptr) : shipping;
  } else {
    view["customer"] = nullptr;  // erased
  }
  view["notes"] = d.order.notes;
  view["payment_claims"] = d.order.claimed_tx_ids;
  view["payments"] = domain::payments_view(d.order);
  json events = json::array();
  for (const auto& e : d.events) {
    auto data = json::parse(e.payload_json, nullptr, false);
    events.push_back({{"seq", e.seq},
                      {"type", e.type},
                      {"at", domain::format_rfc3339(domain::from_unix_ms(e.recorded_at_ms))},
                      {"data", data.is_discarded() ? json(nullptr) : data}});
  }
  view["events"] = std::move(events);
  return view;
}

json exception_json(const persistence::exception_row& x) {
  auto time = [](std::int64_t ms) { return domain::format_rfc3339(domain::from_unix_ms(ms)); };
  json out = {{"id", x.id},
              {"coin", x.coin},
              {"txid", x.txid},
              {"amount_atomic", x.amount_atomic},
              {"received_at", time(x.received_at_ms)},
              {"memo", x.memo.empty() ? json(nullptr) : json(x.memo)},
              {"reason", x.reason},
              {"source", x.source},
              {"status", x.status},
              {"order_id", x.order_id.empty() ? json(nullptr) : json(x.order_id)},
              {"created_at", time(x.created_at_ms)}};
  if (x.status != "open") {
    out["resolved_at"] = time(x.resolved_at_ms);
    out["resolved_by"] = x.resolved_by;
    out["resolution"] = x.resolution;
  }
  return out;
}

callback<persistence::exception_row> reply_with_exception(responder respond) {
  return [respond](domain::result<persistence::exception_row> r) {
    respond(r ? json_response(200, exception_json(r.value())) : error_response(r.error()));
  };
}

class api {
 public:
  api(order_service& service, api_options options) : service_(service), options_(std::move(options)) {
    add_customer_routes();
    add_admin_routes();
    add_operations_routes();
  }

  void operator()(request req, responder respond) const {
    const bool api_path = req.path.rfind("/api/", 0) == 0 || req.path.rfind("/admin/api/", 0) == 0 ||
                          req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics";
    const bool page = !api_path && (req.method == "GET" || req.method == "HEAD");
    route_match found;
    std::string route = "pages";
    if (!page) {
      found = routes_.match(req.method, req.path);
      route = found ? found.pattern : "unmatched";
    }
    static const std::set<std::string> known_methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    const std::string method = known_methods.count(req.method) ? req.method : "other";
    respond = [respond, metrics = metrics_, method, route, started = std::chrono::steady_clock::now()](response res) {
      metrics->observe(method, route, res.status, std::chrono::steady_clock::now() - started);
      respond(std::move(res));
    };
    if (page) {
      serve_page(req, respond);
      return;
    }
    routes_.dispatch(std::move(found), std::move(req), std::move(respond));
  }

 private:
  // ---- customer ---------------------------------------------------------------

  void add_customer_routes() {
    routes_.add("GET", "/api/products", [this](request, route_params, responder respond) {
      json out = json::array();
      for (const auto& p : service_.catalog()->products()) out.push_back(product_json(p));
      respond(json_response(200, out));
    });
    routes_.add("GET", "/api/products/{sku}", [this](request, route_params params, responder respond) {
      const auto* p = service_.catalog()->find(std::string{params.get("sku")});
      if (!p) return respond(problem(404, "not_found", "Not found", "no such product"));
      respond(json_response(200, product_json(*p)));
    });
    routes_.add("GET", "/api/payment-methods", [this](request, route_params, responder respond) {
      json out = json::array();
      for (const auto& m : service_.payment_methods())
        out.push_back({{"code", m.code},
                       {"name", m.name},
                       {"decimals", m.decimals},
                       {"confirmations_required", m.confirmations},
                       {"verification", m.verification}});
      respond(json_response(200, out));
    });
    routes_.add("POST", "/api/orders",
                [this](request req, route_params, responder respond) { checkout(std::move(req), std::move(respond)); });
    routes_.add("GET", "/api/orders/{id}", [this](request req, route_params params, responder respond) {
      auto id = customer_order_id(req, params);
      if (!id) return respond(not_found());
      service_.get_order(*id, reply_with_order(respond));
    });
    customer_command("/api/orders/{id}/cancel", dto::customer_cancel);
    customer_command("/api/orders/{id}/payment-claim", dto::payment_claim);
    customer_command("/api/orders/{id}/review", dto::review);
    customer_command("/api/orders/{id}/requote", dto::requote);
    routes_.add("POST", "/api/analytics/events", [this](request req, route_params, responder respond) {
      // Anonymous by design: only the type is read, nothing about the client is
      // kept or logged (no address, no cookie, no id).
      auto body = parse_body(req, respond);
      if (!body) return;
      const json type = body->is_object() ? body->value("type", json()) : json();
      if (!type.is_string() || type.get<std::string>() != "checkout_started")
        return respond(
            error_response(domain::make_error(error_code::validation, "type must be \"checkout_started\"", "type")));
      service_.count_event(type.get<std::string>(), [respond](domain::result<bool> r) {
        if (!r) return respond(error_response(r.error()));
        response res;
        res.status = 204;
        respond(std::move(res));
      });
    });
    routes_.add("GET", "/api/orders/{id}/payment-qr.svg", [this](request req, route_params params, responder respond) {
      auto id = customer_order_id(req, params);
      if (!id) return respond(not_found());
      service_.get_order(*id, [respond](domain::result<domain::order> r) {
        if (!r) return respond(error_response(r.error()));
        auto svg = qr_svg(r->quote.uri);
        if (!svg)
          return respond(problem(500, "internal", "Internal error", "the payment URI does not fit in a QR code"));
        response res;
        res.content_type = "image/svg+xml";
        res.body = std::move(*svg);
        // The quote changes on a requote: the image must not outlive it in a cache.
        res.headers.emplace_back("Cache-Control", "no-store");
        respond(std::move(res));
      });
    });
  }

  void checkout(request req, responder respond) const {
    auto body = parse_body(req, respond);
    if (!body) return;
    const std::string key = req.header("idempotency-key");
    if (key.size() > 255 || std::any_of(key.begin(), key.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
      return respond(error_response(domain::make_error(
          error_code::validation, "Idempotency-Key must be 1 to 255 visible ASCII characters", "Idempotency-Key")));
    auto input = dto::checkout(*body);
    if (!input) return respond(error_response(input.error()));
    checkout_request request{std::move(input.value()), key, body->dump()};
    service_.place_order(std::move(request), [respond](domain::result<placed_order> r) {
      if (!r) return respond(error_response(r.error()));
      json view = domain::customer_view(r->order);
      view["access_token"] = r->access_token;
      auto res = json_response(201, view);
      res.headers.emplace_back("Location", "/api/orders/" + r->order.id.value());
      respond(std::move(res));
    });
  }

  /// The order id of a customer request if the token matches it. A wrong
  /// token and an unknown order look the same from outside: 404.
  std::optional<domain::order_id> customer_order_id(const request& req, const route_params& params) const {
    std::string id{params.get("id")};
    if (!domain::is_uuid(id)) return std::nullopt;
    std::string token = bearer_token(req);
    if (token.empty()) {
      auto it = req.query.find("token");
      if (it != req.query.end()) token = it->second;
    }
    domain::order_id order{std::move(id)};
    if (token.empty() || !service_.token_matches(order, token)) return std::nullopt;
    return order;
  }

  template <class Parse>
  void customer_command(const char* pattern, Parse parse) {
    routes_.add("POST", pattern, [this, parse](request req, route_params params, responder respond) {
      auto id = customer_order_id(req, params);
      if (!id) return respond(not_found());
      auto body = parse_body(req, respond);
      if (!body) return;
      auto command = parse(*body);
      if (!command) return respond(error_response(command.error()));
      service_.execute(*id, std::move(command.value()), reply_with_order(respond));
    });
  }

  // ---- admin --------------------------------------------------------------------

  bool admin_allowed(const request& req, responder& respond) const {
    const std::string token = bearer_token(req);
    const auto& expected = options_.admin_token;
    if (!expected.empty() && token.size() == expected.size() &&
        CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0)
      return true;
    auto res =
        problem(401, "unauthorized", "Admin token required", "send the admin token as Authorization: Bearer <token>");
    res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"admin\"");
    respond(std::move(res));
    return false;
  }

  void add_admin_routes() {
    routes_.add("GET", "/admin/api/orders", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      persistence::order_filter filter;
      auto get = [&](const char* key) -> std::optional<std::string> {
        auto it = req.query.find(key);
        if (it == req.query.end() || it->second.empty()) return std::nullopt;
        return it->second;
      };
      filter.status = get("status");
      if (filter.status && !domain::parse_status(*filter.status))
        return respond(error_response(domain::make_error(
            error_code::validation, "status must be one of pending, paid, processing, shipped, delivered, cancelled",
            "status")));
      filter.query = get("q");
      filter.cursor = get("cursor");
      if (auto limit = get("limit")) {
        char* end = nullptr;
        const long n = std::strtol(limit->c_str(), &end, 10);
        if (*end != '\0' || n < 1 || n > persistence::max_page_size)
          return respond(error_response(
              domain::make_error(error_code::validation, "limit must be a number from 1 to 500", "limit")));
        filter.limit = static_cast<int>(n);
      }
      service_.list_orders(std::move(filter), [respond](domain::result<persistence::order_page> r) {
        if (!r) return respond(error_response(r.error()));
        json orders = json::array();
        for (const auto& row : r->rows) {
          orders.push_back({{"id", row.id},
                            {"number", row.number},
                            {"status", row.status},
                            {"payment_method", row.payment_method},
                            {"total_cents", row.total_cents},
                            {"created_at", domain::format_rfc3339(domain::from_unix_ms(row.created_at_ms))},
                            {"updated_at", domain::format_rfc3339(domain::from_unix_ms(row.updated_at_ms))}});
        }
        respond(json_response(
            200, {{"orders", orders}, {"next_cursor", r->next_cursor ? json(*r->next_cursor) : json(nullptr)}}));
      });
    });
    routes_.add("GET", "/admin/api/orders/{id}", [this](request req, route_params params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      std::string id{params.get("id")};
      if (!domain::is_uuid(id)) return respond(not_found());
      service_.admin_order(domain::order_id{id}, [respond](domain::result<admin_order_details> r) {
        respond(r ? json_response(200, admin_order_json(r.value())) : error_response(r.error()));
      });
    });
    routes_.add("POST", "/admin/api/orders/{id}/commands", [this](request req, route_params params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      std::string id{params.get("id")};
      if (!domain::is_uuid(id)) return respond(not_found());
      auto body = parse_body(req, respond);
      if (!body) return;
      auto command = dto::admin_command(*body);
      if (!command) return respond(error_response(command.error()));
      spdlog::info("audit: admin from {} runs {} on order {}", req.remote_address, body->value("type", ""), id);
      service_.execute(domain::order_id{id}, std::move(command.value()), reply_with_order(respond));
    });
    routes_.add("GET", "/admin/api/mail/dead", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      service_.dead_mail([respond](domain::result<std::vector<persistence::outbox_entry>> r) {
        if (!r) return respond(error_response(r.error()));
        json out = json::array();
        for (const auto& m : *r)
          out.push_back({{"id", m.id},
                         {"order_id", m.order_id},
                         {"kind", m.kind},
                         {"attempts", m.attempts},
                         {"last_error", m.last_error},
                         {"created_at", domain::format_rfc3339(domain::from_unix_ms(m.created_at_ms))}});
        respond(json_response(200, {{"messages", out}}));
      });
    });
    routes_.add("POST", "/admin/api/mail/{id}/retry", [this](request req, route_params params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      const auto found = row_id(params);
      if (!found) return respond(problem(404, "not_found", "Not found", "no such message"));
      const std::int64_t id = *found;
      spdlog::info("audit: admin from {} retries mail #{}", req.remote_address, id);
      service_.retry_mail(id, [respond, id](domain::result<bool> r) {
        if (!r) return respond(error_response(r.error()));
        if (!*r) return respond(problem(404, "not_found", "Not found", "no dead message with this id"));
        respond(json_response(200, {{"id", id}, {"status", "pending"}}));
      });
    });
    add_payment_exception_routes();
    routes_.add("GET", "/admin/api/kpis", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      kpis(req, std::move(respond));
    });
    routes_.add("GET", "/admin/api/system", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      service_.system_status([respond](std::string body) {
        response res;
        res.body = std::move(body);
        respond(std::move(res));
      });
    });
  }

  void add_payment_exception_routes() {
    routes_.add("GET", "/admin/api/payments/exceptions", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      std::string status = "open";
      if (auto it = req.query.find("status"); it != req.query.end() && !it->second.empty()) status = it->second;
      if (status != "open" && status != "resolved" && status != "dismissed")
        return respond(error_response(
            domain::make_error(error_code::validation, "status must be one of open, resolved, dismissed", "status")));
      service_.payment_exceptions(status, [respond](domain::result<std::vector<persistence::exception_row>> r) {
        if (!r) return respond(error_response(r.error()));
        json out = json::array();
        for (const auto& x : *r) out.push_back(exception_json(x));
        respond(json_response(200, {{"exceptions", out}}));
      });
    });
    routes_.add("POST", "/admin/api/payments/exceptions/{id}/assign",
                [this](request req, route_params params, responder respond) {
                  if (!admin_allowed(req, respond)) return;
                  auto id = row_id(params);
                  if (!id) return respond(problem(404, "not_found", "Not found", "no such payment exception"));
                  auto body = parse_body(req, respond);
                  if (!body) return;
                  const json order = body->is_object() ? body->value("order_id", json()) : json();
                  if (!order.is_string() || !domain::is_uuid(order.get<std::string>()))
                    return respond(error_response(
                        domain::make_error(error_code::validation, "order_id must be the id of an order", "order_id")));
                  const std::string by = "admin@" + req.remote_address;
                  spdlog::info("audit: admin from {} assigns payment exception #{} to order {}", req.remote_address,
                               *id, order.get<std::string>());
                  service_.assign_exception(*id, domain::order_id{order.get<std::string>()}, by,
                                            reply_with_exception(respond));
                });
    routes_.add("POST", "/admin/api/payments/exceptions/{id}/dismiss",
                [this](request req, route_params params, responder respond) {
                  if (!admin_allowed(req, respond)) return;
                  auto id = row_id(params);
                  if (!id) return respond(problem(404, "not_found", "Not found", "no such payment exception"));
                  auto body = parse_body(req, respond);
                  if (!body) return;
                  const json reason = body->is_object() ? body->value("reason", json()) : json();
                  const bool blank = !reason.is_string() ||
                                     reason.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
                  if (blank || reason.get<std::string>().size() > domain::max_note_length)
                    return respond(error_response(domain::make_error(
                        error_code::validation, "reason is required (at most 2000 characters)", "reason")));
                  const std::string by = "admin@" + req.remote_address;
                  spdlog::info("audit: admin from {} dismisses payment exception #{}", req.remote_address, *id);
                  service_.dismiss_exception(*id, reason.get<std::string>(), by, reply_with_exception(respond));
                });
    routes_.add("POST", "/admin/api/payments/import", [this](request req, route_params, responder respond) {
      if (!admin_allowed(req, respond)) return;
      const std::string type = req.header("content-type");
      if (type.rfind("text/csv", 0) != 0)
        return respond(problem(415, "unsupported_media_type", "Unsupported Media Type",
                               "send the wallet export as Content-Type: text/csv"));
      spdlog::info("audit: admin from {} imports a wallet export of {} bytes", req.remote_address, req.body.size());
      service_.import_payments(std::move(req.body), [respond](domain::result<import_summary> r) {
        if (!r) return respond(error_response(r.error()));
        json rejected = json::array();
        for (const auto& row : r->rejected) rejected.push_back({{"line", row.line}, {"reason", row.reason}});
        respond(json_response(200, {{"processed", r->processed},
                                    {"matched", r->matched},
                                    {"exceptions", r->exceptions},
                                    {"duplicates", r->duplicates},
                                    {"rejected", rejected}}));
      });
    });
  }

  // ?from=&to= are dates (UTC), both days included; default: the last 30 days.
  void kpis(const request& req, responder respond) const {
    using std::chrono::hours;
    const auto day_of = [](const std::string& text) -> std::optional<domain::timestamp> {
      if (!domain::is_calendar_date(text)) return std::nullopt;
      return domain::parse_rfc3339(text + "T00:00:00Z");
    };
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const domain::timestamp today = *day_of(domain::format_rfc3339(now).substr(0, 10));
    auto param = [&](const char* key) -> std::optional<std::string> {
      auto it = req.query.find(key);
      if (it == req.query.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
    domain::timestamp to = today, from = today - hours{24 * 29};
    if (auto text = param("to")) {
      auto d = day_of(*text);
      if (!d)
        return respond(
            error_response(domain::make_error(error_code::validation, "to must be a date like 2026-11-30", "to")));
      to = *d;
      if (!param("from")) from = to - hours{24 * 29};
    }
    if (auto text = param("from")) {
      auto d = day_of(*text);
      if (!d)
        return respond(
            error_response(domain::make_error(error_code::validation, "from must be a date like 2026-11-01", "from")));
      from = *d;
    }
    if (from > to)
      return respond(error_response(domain::make_error(error_code::validation, "from must not be after to", "from")));
    if (to - from > hours{24 * 366})
      return respond(
          error_response(domain::make_error(error_code::validation, "the range is at most 366 days", "from")));
    const std::string from_text = domain::format_rfc3339(from).substr(0, 10);
    const std::string to_text = domain::format_rfc3339(to).substr(0, 10);
    service_.kpis(from, to + hours{24}, [respond, from_text, to_text](domain::result<domain::kpi_report> r) {
      if (!r) return respond(error_response(r.error()));
      auto optional = [](const auto& v) { return v ? json(*v) : json(nullptr); };
      json daily = json::array();
      for (const auto& d : r->daily)
        daily.push_back({{"date", d.date}, {"orders", d.orders}, {"revenue_cents", d.revenue_cents}});
      respond(json_response(200, {{"from", from_text},
                                  {"to", to_text},
                                  {"checkouts_started", r->checkouts_started},
                                  {"orders", r->orders},
                                  {"completion_rate", optional(r->completion_rate)},
                                  {"payment_success_rate", optional(r->payment_success_rate)},
                                  {"processing_time",
                                   {{"median_hours", optional(r->processing_time.median_hours)},
                                    {"p90_hours", optional(r->processing_time.p90_hours)},
                                    {"count", r->processing_time.count}}},
                                  {"review_rate", optional(r->review_rate)},
                                  {"average_order_value_cents", optional(r->average_order_value_cents)},
                                  {"daily", daily}}));
    });
  }

  /// The `{id}` of a mail message or a payment exception: a positive integer.
  static std::optional<std::int64_t> row_id(const route_params& params) {
    const std::string text{params.get("id")};
    char* end = nullptr;
    const long long id = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || id <= 0) return std::nullopt;
    return id;
  }

  // ---- operations -------------------------------------------------------------

  void add_operations_routes() {
    routes_.add("GET", "/healthz", [](request, route_params, responder respond) {
      respond(json_response(200, {{"status", "up"}}));
    });
    // Prometheus text format. Counts only, nothing personal; like /readyz it is
    // meant for the operator's network (keep it off the public proxy).
    routes_.add("GET", "/metrics", [this](request, route_params, responder respond) {
      service_.engine_metrics([respond, metrics = metrics_](std::string engine) {
        response res;
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
        res.body = metrics->render() + engine;
        respond(std::move(res));
      });
    });
    routes_.add("GET", "/readyz", [this](request, route_params, responder respond) {
      service_.check_readiness([respond](readiness r) {
        const bool ready = r.database && r.supervision;
        respond(json_response(
            ready ? 200 : 503,
            {{"status", ready ? "ready" : "not_ready"}, {"database", r.database}, {"supervision", r.supervision}}));
      });
    });
  }

  // ---- pages ----------------------------------------------------------------------

  void serve_page(const request& req, responder& respond) const {
    const bool head = req.method == "HEAD";
    if (auto file = serve_static(options_.web_root, req.path, head)) return respond(std::move(*file));
    // The storefront's own URLs (/orders/{id}, /products/{sku}, /admin) are
    // pages of the single-page app: its index answers them.
    const bool app_route = req.path.rfind("/orders/", 0) == 0 || req.path.rfind("/products/", 0) == 0 ||
                           req.path == "/cart" || req.path == "/checkout";
    if (app_route)
      if (auto index = serve_static(options_.web_root, "/index.html", head)) return respond(std::move(*index));
    if (req.path == "/admin" || req.path.rfind("/admin/", 0) == 0)
      if (auto admin = serve_static(options_.web_root, "/admin/index.html", head)) return respond(std::move(*admin));
    respond(problem(404, "not_found", "Not found", "no such page"));
  }

  order_service& service_;
  api_options options_;
  std::shared_ptr<request_metrics> metrics_ = std::make_shared<request_metrics>();
  router routes_;
};

}  // namespace

handler make_api(order_service& service, api_options options) {
  auto shared = std::make_shared<api>(service, std::move(options));
  return [shared](request req, responder respond) { (*shared)(std::move(req), std::move(respond)); };
}

}  // namespace http
