#pragma once

// One engine node, assembled: start-up work, the actor system, the supervised
// service tree and the application face the web layer calls. No CAF in this
// header: main includes it.

#include <memory>

#include "app/admin_access.hpp"
#include "app/shop_service.hpp"
#include "app/webhooks.hpp"
#include "config/config.hpp"

namespace assembly {

class running_engine {
 public:
  /// Prepares the database and the catalog, then starts every service and
  /// returns once they all run. Throws std::runtime_error with a message fit
  /// for an operator when the engine cannot start.
  explicit running_engine(const config::engine_config& config);
  ~running_engine();
  running_engine(const running_engine&) = delete;
  running_engine& operator=(const running_engine&) = delete;

  app::shop_service& shop();
  app::admin_access& access();
  app::webhook_admin& webhooks();

  /// Lets every append that was accepted reach the database, then stops the
  /// actors. Called after the HTTP server has drained; idempotent.
  void stop();

 private:
  struct parts;
  std::unique_ptr<parts> parts_;
};

}  // namespace assembly
