#pragma once

// app::admin_access as the actors serve it: each call becomes a message to
// one of the two admin_access actors (sign-ins apart, so that a burst of slow
// password checks never holds up an admin already signed in).

#include <chrono>
#include <memory>

#include "app/admin_access.hpp"

namespace caf {
class actor_system;
}

namespace actors {

class service_directory;

class admin_gateway final : public app::admin_access {
 public:
  /// `system` and `services` must outlive the gateway.
  admin_gateway(caf::actor_system& system, std::shared_ptr<const service_directory> services,
                std::chrono::milliseconds ask_timeout);

  void sign_in(app::sign_in_attempt attempt, app::callback<app::admin_session> done) override;
  void authenticate(app::admin_credential credential,
                    app::callback<std::optional<app::admin_identity>> done) override;
  void sign_out(std::string session_id, app::callback<bool> done) override;
  void issue_api_key(std::string name, std::string issued_by, app::callback<app::issued_api_key> done) override;
  void api_keys(app::callback<std::vector<app::api_key>> done) override;
  void revoke_api_key(std::string id, app::callback<bool> done) override;
  void record(app::audit_entry entry) override;
  void audit_log(app::audit_query query, app::callback<std::vector<app::audit_entry>> done) override;

 private:
  caf::actor_system& system_;
  std::shared_ptr<const service_directory> services_;
  std::chrono::milliseconds timeout_;
};

}  // namespace actors
