#include "actors/webhook_gateway.hpp"

#include "actors/ask.hpp"
#include "actors/service_directory.hpp"

namespace actors {
namespace {

constexpr int listed_at_most = 200;

app::webhook_endpoint endpoint_view(const persistence::webhook_endpoint_row& row) {
  return {row.id,
          row.url,
          row.events,
          row.include_personal_data,
          domain::timestamp{std::chrono::milliseconds{row.created_at_ms}},
          row.created_by};
}

app::webhook_delivery delivery_view(const persistence::webhook_delivery_row& row) {
  return {row.id,
          row.endpoint_id,
          row.url,
          row.order_id,
          row.event_seq,
          row.event_type,
          row.state,
          row.attempts,
          row.last_status,
          row.last_error,
          domain::timestamp{std::chrono::milliseconds{row.created_at_ms}}};
}

template <class T>
auto on_failure(app::callback<T> done) {
  return [done](const caf::error& e) { done(failure<T>(e)); };
}

}  // namespace

webhook_gateway::webhook_gateway(caf::actor_system& system, std::shared_ptr<const service_directory> services,
                                 std::chrono::milliseconds ask_timeout, bool allow_private_targets)
    : system_(system),
      services_(std::move(services)),
      timeout_(ask_timeout),
      allow_private_targets_(allow_private_targets) {}

void webhook_gateway::register_webhook(app::new_webhook_endpoint endpoint,
                                       app::callback<app::registered_webhook> done) {
  persistence::webhook_endpoint_row row;
  row.url = std::move(endpoint.url);
  row.events = std::move(endpoint.events);
  row.include_personal_data = endpoint.include_personal_data;
  row.created_by = std::move(endpoint.by);
  row.created_at_ms =
      domain::to_unix_ms(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  ask_within(
      system_, timeout_, services_->get().webhook_admin,
      [done](registered_endpoint& r) {
        done(app::registered_webhook{endpoint_view(r.endpoint), r.secret});
      },
      on_failure(done), issue_atom::value, std::move(row));
}

void webhook_gateway::webhooks(app::callback<std::vector<app::webhook_endpoint>> done) {
  ask_within(
      system_, timeout_, services_->get().webhook_admin,
      [done](std::vector<persistence::webhook_endpoint_row>& rows) {
        std::vector<app::webhook_endpoint> out;
        for (const auto& r : rows) out.push_back(endpoint_view(r));
        done(std::move(out));
      },
      on_failure(done), list_atom::value);
}

void webhook_gateway::delete_webhook(std::string id, app::callback<bool> done) {
  ask_within(
      system_, timeout_, services_->get().webhook_admin, [done](bool deleted) { done(deleted); }, on_failure(done),
      revoke_atom::value, std::move(id));
}

void webhook_gateway::webhook_deliveries(std::string state, app::callback<std::vector<app::webhook_delivery>> done) {
  ask_within(
      system_, timeout_, services_->get().webhook_admin,
      [done](std::vector<persistence::webhook_delivery_row>& rows) {
        std::vector<app::webhook_delivery> out;
        for (const auto& r : rows) out.push_back(delivery_view(r));
        done(std::move(out));
      },
      on_failure(done), list_atom::value, std::move(state), listed_at_most);
}

void webhook_gateway::redeliver_webhook(std::string id, app::callback<bool> done) {
  ask_within(
      system_, timeout_, services_->get().webhook_admin, [done](bool redelivered) { done(redelivered); },
      on_failure(done), retry_atom::value, std::move(id));
}

}  // namespace actors
