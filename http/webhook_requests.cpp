#include "http/webhook_requests.hpp"

#include <algorithm>

#include "domain/webhook.hpp"

namespace http::dto {
namespace {

using domain::error_code;
using domain::make_error;

constexpr std::size_t max_events = 64;

}  // namespace

std::variant<app::new_webhook_endpoint, domain::domain_error, private_target> webhook_registration(
    const nlohmann::json& body, bool allow_private_targets) {
  if (!body.is_object()) return make_error(error_code::validation, "the body must be a JSON object");
  app::new_webhook_endpoint endpoint;
  const auto url = body.find("url");
  if (url == body.end() || !url->is_string())
    return make_error(error_code::validation, "url is required: an http or https URL", "url");
  const auto target = domain::check_webhook_target(url->get<std::string>(), allow_private_targets);
  if (!target) {
    if (target.error().problem == domain::target_problem::private_address) return private_target{target.error().detail};
    return make_error(error_code::validation, target.error().detail, "url");
  }
  endpoint.url = target->url;

  const auto events = body.find("events");
  if (events == body.end() || !events->is_array() || events->empty() || events->size() > max_events)
    return make_error(error_code::validation,
                      "events is required: a list of order event types (order_placed, order_shipped, ...) or [\"*\"]",
                      "events");
  for (const auto& event : *events) {
    if (!event.is_string() || (event != "*" && !domain::is_webhook_event_type(event.get<std::string>())))
      return make_error(error_code::validation,
                        "events lists unknown event types; known: * or the journaled order events", "events");
    const auto type = event.get<std::string>();
    if (std::find(endpoint.events.begin(), endpoint.events.end(), type) == endpoint.events.end())
      endpoint.events.push_back(type);
  }
  if (endpoint.events.size() > 1 &&
      std::find(endpoint.events.begin(), endpoint.events.end(), "*") != endpoint.events.end())
    return make_error(error_code::validation, "events is either [\"*\"] or a list of event types", "events");

  const auto personal = body.find("include_personal_data");
  if (personal != body.end() && !personal->is_boolean())
    return make_error(error_code::validation, "include_personal_data must be true or false", "include_personal_data");
  endpoint.include_personal_data = personal != body.end() && personal->get<bool>();
  return endpoint;
}

domain::result<std::string> webhook_delivery_state(const std::map<std::string, std::string>& query) {
  const auto found = query.find("state");
  const std::string state = found == query.end() ? "failed" : found->second;
  if (state != "failed" && state != "pending" && state != "delivered")
    return make_error(error_code::validation, "state must be one of failed, pending, delivered", "state");
  return state;
}

}  // namespace http::dto
