#include "actors/admin_gateway.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/ask.hpp"
#include "actors/service_directory.hpp"

namespace actors {
namespace {

/// The reply as it is, or the failure, to an app callback.
template <class T>
auto answer(app::callback<T> done) {
  return std::make_pair([done](T& value) { done(std::move(value)); },
                        [done](const caf::error& e) { done(failure<T>(e)); });
}

}  // namespace

admin_gateway::admin_gateway(caf::actor_system& system, std::shared_ptr<const service_directory> services,
                             std::chrono::milliseconds ask_timeout)
    : system_(system), services_(std::move(services)), timeout_(ask_timeout) {}

void admin_gateway::sign_in(app::sign_in_attempt attempt, app::callback<app::admin_session> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_sign_in, on_value, on_error, sign_in_atom::value,
             std::move(attempt));
}

void admin_gateway::authenticate(app::admin_credential credential,
                                 app::callback<std::optional<app::admin_identity>> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, auth_atom::value,
             std::move(credential));
}

void admin_gateway::sign_out(std::string session_id, app::callback<bool> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, sign_out_atom::value,
             std::move(session_id));
}

void admin_gateway::issue_api_key(std::string name, std::string issued_by, app::callback<app::issued_api_key> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, issue_atom::value,
             std::move(name), std::move(issued_by));
}

void admin_gateway::api_keys(app::callback<std::vector<app::api_key>> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, keys_atom::value);
}

void admin_gateway::revoke_api_key(std::string id, app::callback<bool> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, revoke_atom::value,
             std::move(id));
}

void admin_gateway::record(app::audit_entry entry) {
  auto target = services_->get().admin_access;
  if (!target) {
    spdlog::error("audit: no audit writer for {} by {}", entry.action, entry.actor);
    return;
  }
  caf::anon_send(target, audit_atom::value, std::move(entry));
}

void admin_gateway::audit_log(app::audit_query query, app::callback<std::vector<app::audit_entry>> done) {
  auto [on_value, on_error] = answer(std::move(done));
  ask_within(system_, timeout_, services_->get().admin_access, on_value, on_error, audit_atom::value,
             std::move(query));
}

}  // namespace actors
