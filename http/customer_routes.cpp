// The storefront's API: the catalog, checkout, and an order as its customer
// sees it (with the order's access token).

#include "domain/access.hpp"
#include "domain/order_json.hpp"
#include "domain/time.hpp"
#include "http/dto.hpp"
#include "http/qr_svg.hpp"
#include "http/routes.hpp"
#include "http/views.hpp"

namespace http {
namespace {

using nlohmann::json;

response no_such_order() {
  return problem(problem_type::not_found, "no such order");
}

/// The order id of a customer request if the token matches it. A wrong
/// token and an unknown order look the same from outside: 404.
std::optional<domain::order_id> customer_order_id(const api_context& api, const request& req,
                                                  const route_params& params) {
  std::string id{params.get("id")};
  if (!domain::is_uuid(id)) return std::nullopt;
  std::string token = bearer_token(req);
  if (token.empty()) {
    auto it = req.query.find("token");
    if (it != req.query.end()) token = it->second;
  }
  domain::order_id order{std::move(id)};
  if (token.empty() || !api.shop.token_matches(order, token)) return std::nullopt;
  return order;
}

void checkout(const api_context& api, const request& req, const responder& respond) {
  auto body = parse_body(req, respond);
  if (!body) return;
  auto key = dto::idempotency_key(req.header("idempotency-key"));
  if (!key) return respond(error_response(key.error()));
  auto input = dto::checkout(*body);
  if (!input) return respond(error_response(input.error()));
  app::checkout_request request{std::move(input.value()), std::move(key.value()), body->dump()};
  api.shop.place_order(std::move(request), [respond](domain::result<app::placed_order> r) {
    if (!r) return respond(error_response(r.error()));
    auto res = json_response(201, views::placed_order_body(*r));
    res.headers.emplace_back("Location", "/api/orders/" + r->order.id.value());
    respond(std::move(res));
  });
}

template <class Parse>
void add_customer_command(router& routes, const api_context& api, const char* pattern, Parse parse) {
  routes.add("POST", pattern, [&api, parse](request req, route_params params, responder respond) {
    auto id = customer_order_id(api, req, params);
    if (!id) return respond(no_such_order());
    auto body = parse_body(req, respond);
    if (!body) return;
    auto command = parse(*body);
    if (!command) return respond(error_response(command.error()));
    api.shop.execute(*id, std::move(command.value()), reply_with_order(respond));
  });
}

/// The customer asks for their personal data to be erased: a task for the
/// admin, who checks that nothing is owed, never an erasure by itself.
void request_erasure(const api_context& api, const request& req, const route_params& params, const responder& respond) {
  auto id = customer_order_id(api, req, params);
  if (!id) return respond(no_such_order());
  auto body = parse_body(req, respond);
  if (!body) return;
  if (!body->is_null() && !(body->is_object() && body->empty()))
    return respond(problem(problem_type::validation, "this request takes no body (or {})"));
  api.shop.execute(*id, domain::request_erasure{}, [respond](domain::result<domain::order> r) {
    if (!r) return respond(error_response(r.error()));
    // Asked after the customer was erased already: the erasure stands for the request.
    const auto at = r->erasure_requested_at ? r->erasure_requested_at : r->customer_erased_at;
    respond(json_response(202, {{"requested_at", at ? json(domain::format_rfc3339(*at)) : json(nullptr)},
                                {"customer_erased", r->customer_erased_at.has_value()}}));
  });
}

}  // namespace

void add_customer_routes(router& routes, const api_context& api) {
  routes.add("GET", "/api/products", [&api](request, route_params, responder respond) {
    json out = json::array();
    for (const auto& p : api.shop.catalog()->products()) out.push_back(views::product(p));
    respond(json_response(200, out));
  });
  routes.add("GET", "/api/products/{sku}", [&api](request, route_params params, responder respond) {
    const auto* p = api.shop.catalog()->find(std::string{params.get("sku")});
    if (!p) return respond(problem(problem_type::not_found, "no such product"));
    respond(json_response(200, views::product(*p)));
  });
  routes.add("GET", "/api/payment-methods", [&api](request, route_params, responder respond) {
    respond(json_response(200, views::payment_methods(api.shop.payment_methods())));
  });
  routes.add("GET", "/api/shipping-policy", [&api](request, route_params, responder respond) {
    respond(json_response(200, views::shipping_policy(api.shop.shipping_policy())));
  });
  routes.add("POST", "/api/orders",
             [&api](request req, route_params, responder respond) { checkout(api, req, respond); });
  routes.add("GET", "/api/orders/{id}", [&api](request req, route_params params, responder respond) {
    auto id = customer_order_id(api, req, params);
    if (!id) return respond(no_such_order());
    api.shop.get_order(*id, reply_with_order(respond));
  });
  add_customer_command(routes, api, "/api/orders/{id}/cancel", dto::customer_cancel);
  add_customer_command(routes, api, "/api/orders/{id}/payment-claim", dto::payment_claim);
  add_customer_command(routes, api, "/api/orders/{id}/review", dto::review);
  add_customer_command(routes, api, "/api/orders/{id}/requote", dto::requote);
  add_customer_command(routes, api, "/api/orders/{id}/refund-address", dto::refund_address);
  routes.add("POST", "/api/orders/{id}/erasure-request", [&api](request req, route_params params, responder respond) {
    request_erasure(api, req, params, respond);
  });
  routes.add("POST", "/api/analytics/events", [&api](request req, route_params, responder respond) {
    // Anonymous by design: only the type is read, nothing about the client is
    // kept or logged (no address, no cookie, no id).
    auto body = parse_body(req, respond);
    if (!body) return;
    auto type = dto::analytics_event(*body);
    if (!type) return respond(error_response(type.error()));
    api.shop.count_event(std::move(type.value()), [respond](domain::result<bool> r) {
      if (!r) return respond(error_response(r.error()));
      response res;
      res.status = 204;
      respond(std::move(res));
    });
  });
  routes.add("GET", "/api/orders/{id}/payment-qr.svg", [&api](request req, route_params params, responder respond) {
    auto id = customer_order_id(api, req, params);
    if (!id) return respond(no_such_order());
    api.shop.get_order(*id, [respond](domain::result<domain::order> r) {
      if (!r) return respond(error_response(r.error()));
      auto svg = qr_svg(r->quote.uri);
      if (!svg) return respond(problem(problem_type::internal, "the payment URI does not fit in a QR code"));
      response res;
      res.content_type = "image/svg+xml";
      res.body = std::move(*svg);
      // The quote changes on a requote: the image must not outlive it in a cache.
      res.headers.emplace_back("Cache-Control", "no-store");
      respond(std::move(res));
    });
  });
}

}  // namespace http
