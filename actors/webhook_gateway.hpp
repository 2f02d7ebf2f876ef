#pragma once

// app::webhook_admin as the actors serve it: each call becomes a message to
// the webhook_admin actor.

#include <chrono>
#include <memory>

#include "app/webhooks.hpp"

namespace caf {
class actor_system;
}

namespace actors {

class service_directory;

class webhook_gateway final : public app::webhook_admin {
 public:
  /// `system` and `services` must outlive the gateway.
  webhook_gateway(caf::actor_system& system, std::shared_ptr<const service_directory> services,
                  std::chrono::milliseconds ask_timeout, bool allow_private_targets);

  bool allow_private_targets() const override { return allow_private_targets_; }
  void register_webhook(app::new_webhook_endpoint endpoint, app::callback<app::registered_webhook> done) override;
  void webhooks(app::callback<std::vector<app::webhook_endpoint>> done) override;
  void delete_webhook(std::string id, app::callback<bool> done) override;
  void webhook_deliveries(std::string state, app::callback<std::vector<app::webhook_delivery>> done) override;
  void redeliver_webhook(std::string id, app::callback<bool> done) override;

 private:
  caf::actor_system& system_;
  std::shared_ptr<const service_directory> services_;
  std::chrono::milliseconds timeout_;
  bool allow_private_targets_;
};

}  // namespace actors
