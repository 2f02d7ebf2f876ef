#pragma once

// The owner's webhooks as the web layer may ask for them: endpoints
// registered, listed and deleted, and the deliveries that failed, each of
// which can be sent again. http/ calls it; actors/ implements it.

#include <cstdint>
#include <string>
#include <vector>

#include "app/shop_service.hpp"
#include "domain/strong_types.hpp"

namespace app {

struct webhook_endpoint {
  std::string id;
  std::string url;
  std::vector<std::string> events;  // journaled order event types, or "*"
  bool include_personal_data = false;
  domain::timestamp created_at{};
  std::string created_by;
};

/// An endpoint to register; its url and events already checked (dto).
struct new_webhook_endpoint {
  std::string url;
  std::vector<std::string> events;
  bool include_personal_data = false;
  std::string by;  // the admin
};

/// The endpoint and its signing secret, which is shown this once.
struct registered_webhook {
  webhook_endpoint endpoint;
  std::string secret;
};

struct webhook_delivery {
  std::string id;  // the webhook-id header
  std::string endpoint_id;
  std::string url;
  std::string order_id;
  std::int64_t event_seq = 0;
  std::string event_type;
  std::string state;  // pending, delivered, failed
  int attempts = 0;
  int last_status = 0;  // 0: no HTTP answer
  std::string last_error;
  domain::timestamp created_at{};
};

class webhook_admin {
 public:
  virtual ~webhook_admin() = default;
  /// Whether endpoints may be on loopback or private networks (webhooks.allow_private_targets).
  virtual bool allow_private_targets() const = 0;
  virtual void register_webhook(new_webhook_endpoint endpoint, callback<registered_webhook> done) = 0;
  /// Every endpoint, oldest first, without secrets.
  virtual void webhooks(callback<std::vector<webhook_endpoint>> done) = 0;
  /// Deletes an endpoint and its deliveries; false if there is none with this id.
  virtual void delete_webhook(std::string id, callback<bool> done) = 0;
  /// Deliveries in `state` (pending, delivered, failed), newest first.
  virtual void webhook_deliveries(std::string state, callback<std::vector<webhook_delivery>> done) = 0;
  /// Sends a failed delivery again (same webhook-id); false if it is not failed.
  virtual void redeliver_webhook(std::string id, callback<bool> done) = 0;
};

}  // namespace app
