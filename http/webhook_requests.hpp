#pragma once

// The bodies and queries of the webhook routes, read into app/ types.
// Internal to http/.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <variant>

#include "app/webhooks.hpp"
#include "domain/error.hpp"

namespace http::dto {

/// A registration the target check refused because it points at the shop's
/// own networks: a 403, not a typo to correct.
struct private_target {
  std::string detail;
};

/// {url, events, include_personal_data?}: the url checked
/// (domain::check_webhook_target), events a non-empty list of journaled order
/// event types or ["*"], include_personal_data true or false (the default:
/// payloads carry the order number and status only). A validation error
/// names its field.
std::variant<app::new_webhook_endpoint, domain::domain_error, private_target> webhook_registration(
    const nlohmann::json& body, bool allow_private_targets);

/// ?state=failed (the default), pending or delivered.
domain::result<std::string> webhook_delivery_state(const std::map<std::string, std::string>& query);

}  // namespace http::dto
