#pragma once

#include <string>

#include "app/admin_access.hpp"
#include "app/shop_service.hpp"
#include "app/webhooks.hpp"
#include "domain/ip_network.hpp"
#include "http/message.hpp"
#include "http/route_limits.hpp"

namespace http {

struct api_options {
  std::string admin_token;  // the operator's bootstrap key; "" turns it off
  std::string web_root;
  route_limit_settings limits;
  /// Who may reach /admin (pages and API) and /metrics; empty: anywhere.
  std::vector<domain::ip_network> admin_allow_from;
};

struct api_handlers {
  /// Every route of docs/API.md plus the operations endpoints and the static
  /// web pages.
  handler on_request;
  /// For server_options::screen_headers: an admin path without an admin
  /// credential is answered 401 before a byte of its body is read.
  header_screen on_headers;
};

/// `shop` and `access` must outlive the handlers. `on_request` answers admin
/// routes only for requests `on_headers` let through (it names their caller).
/// `webhooks`, when given, must outlive them too; without it the webhook routes answer 503.
api_handlers make_api(app::shop_service& shop, app::admin_access& access, api_options options,
                      app::webhook_admin* webhooks = nullptr);

}  // namespace http
