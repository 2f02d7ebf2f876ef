#pragma once

// The JSON of the webhook routes. Internal to http/.

#include <nlohmann/json.hpp>

#include <vector>

#include "app/webhooks.hpp"

namespace http::views {

nlohmann::json webhook_endpoint(const app::webhook_endpoint& endpoint);
nlohmann::json webhook_endpoints(const std::vector<app::webhook_endpoint>& endpoints);
/// The endpoint and its secret, shown this once.
nlohmann::json registered_webhook(const app::registered_webhook& registered);
nlohmann::json webhook_deliveries(const std::vector<app::webhook_delivery>& deliveries);

}  // namespace http::views
