#pragma once

#include <string>

#include "app/shop_service.hpp"
#include "http/message.hpp"

namespace http {

struct api_options {
  std::string admin_token;
  std::string web_root;
};

/// Every route of docs/API.md plus the operations endpoints and the static
/// web pages, as one handler for the server. `shop` must outlive it.
handler make_api(app::shop_service& shop, api_options options);

}  // namespace http
