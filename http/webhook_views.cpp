#include "http/webhook_views.hpp"

#include "domain/time.hpp"

namespace http::views {

using nlohmann::json;

json webhook_endpoint(const app::webhook_endpoint& endpoint) {
  return {{"id", endpoint.id},
          {"url", endpoint.url},
          {"events", endpoint.events},
          {"include_personal_data", endpoint.include_personal_data},
          {"created_at", domain::format_rfc3339(endpoint.created_at)},
          {"created_by", endpoint.created_by}};
}

json webhook_endpoints(const std::vector<app::webhook_endpoint>& endpoints) {
  json list = json::array();
  for (const auto& e : endpoints) list.push_back(webhook_endpoint(e));
  return {{"webhooks", std::move(list)}};
}

json registered_webhook(const app::registered_webhook& registered) {
  json body = webhook_endpoint(registered.endpoint);
  body["secret"] = registered.secret;
  return body;
}

json webhook_deliveries(const std::vector<app::webhook_delivery>& deliveries) {
  json list = json::array();
  for (const auto& d : deliveries)
    list.push_back({{"id", d.id},
                    {"endpoint_id", d.endpoint_id},
                    {"url", d.url},
                    {"order_id", d.order_id},
                    {"event_seq", d.event_seq},
                    {"event_type", d.event_type},
                    {"state", d.state},
                    {"attempts", d.attempts},
                    {"last_status", d.last_status == 0 ? json(nullptr) : json(d.last_status)},
                    {"last_error", d.last_error},
                    {"created_at", domain::format_rfc3339(d.created_at)}});
  return {{"deliveries", std::move(list)}};
}

}  // namespace http::views
