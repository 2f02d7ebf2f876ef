#pragma once

// What the route groups share (customer_routes.cpp, admin_routes.cpp,
// operations_routes.cpp): the application face, the API's options, and the
// prologue every handler starts with. Internal to http/.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/admin_access.hpp"
#include "app/shop_service.hpp"
#include "http/api.hpp"
#include "http/problem.hpp"
#include "http/request_metrics.hpp"
#include "http/route_limits.hpp"
#include "http/router.hpp"

namespace http {

struct api_context {
  app::shop_service& shop;
  app::admin_access& access;
  api_options options;
  std::shared_ptr<request_metrics> metrics = std::make_shared<request_metrics>();
  std::shared_ptr<route_limits> limits = std::make_shared<route_limits>(options.limits);
  app::webhook_admin* webhooks = nullptr;  // null: the webhook routes answer 503
};

/// Parses a JSON body; an empty body is JSON null (for bodies that are
/// optional). Answers 415 `unsupported_media_type` for a body that is not sent
/// as application/json (a cross-site form cannot post JSON) and 400
/// `malformed_json` for one that does not parse; returns nullopt then.
std::optional<nlohmann::json> parse_body(const request& req, const responder& respond);

/// The token of `Authorization: Bearer <token>`, "" when there is none.
std::string bearer_token(const request& req);

/// 401 `unauthorized`: the admin API without a credential it knows.
response admin_unauthorized();

/// The value of cookie `name` in the request's Cookie header, "" if absent.
std::string cookie_value(const request& req, std::string_view name);

/// The admin session's cookie: `__Host-` makes browsers take it only from this
/// host, over HTTPS (or localhost), for every path, never from a subdomain.
inline constexpr std::string_view session_cookie = "__Host-ccc_session";

/// One line of the audit log about `req`, its outcome still 0.
app::audit_entry audit_entry_for(const request& req, std::string action, std::string target);

/// Answers with the order as its customer sees it, or the refusal.
app::callback<domain::order> reply_with_order(responder respond);

void add_customer_routes(router& routes, const api_context& api);
void add_admin_routes(router& routes, const api_context& api);
void add_operations_routes(router& routes, const api_context& api);
void add_admin_access_routes(router& routes, const api_context& api);
void add_webhook_routes(router& routes, const api_context& api);

}  // namespace http
