#pragma once

#include <string>

#include "app/shop_service.hpp"
#include "domain/ip_network.hpp"
#include "http/message.hpp"
#include "http/route_limits.hpp"

namespace http {

struct api_options {
  std::string admin_token;
  std::string web_root;
  route_limit_settings limits;
  /// Who may reach /admin (pages and API) and /metrics; empty: anywhere.
  std::vector<domain::ip_network> admin_allow_from;
};

struct api_handlers {
  /// Every route of docs/API.md plus the operations endpoints and the static
  /// web pages.
  handler on_request;
  /// For server_options::screen_headers: an admin path without the admin
  /// credential is answered 401 before a byte of its body is read.
  header_screen on_headers;
};

/// `shop` must outlive the handlers.
api_handlers make_api(app::shop_service& shop, api_options options);

}  // namespace http
