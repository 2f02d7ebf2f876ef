#pragma once

#include <memory>
#include <string>

#include "http/message.hpp"
#include "http/service.hpp"

namespace http {

struct api_options {
  std::string admin_token;
  std::string web_root;
};

/// Every route of API.md plus the operations endpoints and the static web
/// pages, as one handler for the server. `service` must outlive it.
handler make_api(order_service& service, api_options options);

}  // namespace http
