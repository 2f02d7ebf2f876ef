#include "actors/engine.hpp"

#include "actors/admin_views.hpp"
#include "actors/ask.hpp"
#include "actors/clock.hpp"
#include "actors/service_directory.hpp"

namespace actors {

engine::engine(caf::actor_system& system, std::shared_ptr<const service_directory> services, engine_settings settings)
    : system_(system), services_(std::move(services)), settings_(std::move(settings)) {}

std::shared_ptr<const domain::catalog> engine::catalog() const {
  return settings_.catalog;
}

const std::vector<domain::payment_method>& engine::payment_methods() const {
  return settings_.methods;
}

domain::shipping_policy engine::shipping_policy() const {
  return settings_.shipping;
}

bool engine::token_matches(const domain::order_id& id, std::string_view token) const {
  return settings_.keys.token_matches(id, token);
}

void engine::get_order(domain::order_id id, app::callback<domain::order> done) {
  ask_within(
      system_, settings_.ask_timeout, services_->get().registry, [done](order_reply& r) { done(std::move(r.order)); },
      [done](const caf::error& e) { done(failure<domain::order>(e)); }, get_atom::value, std::move(id));
}

void engine::execute(domain::order_id id, domain::order_command command, app::callback<domain::order> done) {
  const auto at = wall_clock_now();
  std::visit([at](auto& c) { c.at = at; }, command);
  if (auto* requote = std::get_if<domain::requote_order>(&command)) {
    requote->methods = settings_.methods;
    requote->ttl = settings_.quote_ttl;
  }
  if (auto* refund_address = std::get_if<domain::set_refund_address>(&command))
    refund_address->check = settings_.check_refund_address;
  const auto s = services_->get();
  // The admin's payment goes through the matcher, which counts a tx id once across orders.
  if (auto* verify = std::get_if<domain::verify_payment>(&command)) {
    if (!admit(*settings_.matcher_gate, done)) return;
    ask_within(
        system_, settings_.ask_timeout, s.matcher, [done](order_reply& r) { done(std::move(r.order)); },
        [done](const caf::error& e) { done(failure<domain::order>(e)); }, verify_atom::value, std::move(id), *verify);
    return;
  }
  auto on_reply = [done](order_reply& r) { done(std::move(r.order)); };
  auto on_error = [done](const caf::error& e) { done(failure<domain::order>(e)); };
  order_request req{std::move(id), std::move(command), std::nullopt, std::nullopt};
  ask_within(system_, settings_.ask_timeout, s.registry, on_reply, on_error, std::move(req));
}

void engine::count_event(std::string type, app::callback<bool> done) {
  ask_within(
      system_, settings_.ask_timeout, services_->get().store, [done](bool ok) { done(ok); },
      [done](const caf::error& e) { done(failure<bool>(e)); }, event_atom::value, std::move(type),
      domain::to_unix_ms(wall_clock_now()));
}

void engine::list_orders(app::order_filter filter, app::callback<app::order_page> done) {
  ask_within(
      system_, settings_.ask_timeout, services_->get().store,
      [done](persistence::order_page& p) { done(page_view(p)); },
      [done](const caf::error& e) { done(failure<app::order_page>(e)); }, list_atom::value, row_filter(filter));
}

void engine::refunds(app::refund_list which, app::order_filter page, app::callback<app::refund_page> done) {
  std::vector<std::string> states;
  switch (which) {
    case app::refund_list::owed:
      states = {"due", "requested"};
      break;
    case app::refund_list::due:
      states = {"due"};
      break;
    case app::refund_list::requested:
      states = {"requested"};
      break;
    case app::refund_list::refunded:
      states = {"refunded"};
      break;
  }
  ask_within(
      system_, settings_.ask_timeout, services_->get().store,
      [done](persistence::order_page& p) { done(refund_page_view(p)); },
      [done](const caf::error& e) { done(failure<app::refund_page>(e)); }, refunds_atom::value, std::move(states),
      row_filter(page));
}

void engine::admin_order(domain::order_id id, app::callback<app::admin_order_details> done) {
  using details = app::admin_order_details;
  const auto s = services_->get();
  const auto timeout = settings_.ask_timeout;
  auto result = std::make_shared<details>();
  auto* system = &system_;
  // The order (recovered if passivated), then its customer, then its journal.
  run_in_turn({[system, timeout, s, id, result, done](std::function<void()> next) {
                 ask_within(
                     *system, timeout, s.registry,
                     [result, next](order_reply& reply) {
                       result->order = std::move(reply.order);
                       next();
                     },
                     [done](const caf::error& e) { done(failure<details>(e)); }, get_atom::value, id);
               },
               [system, timeout, s, result, done](std::function<void()> next) {
                 ask_within(
                     *system, timeout, s.store,
                     [result, next](std::optional<persistence::customer_row>& customer) {
                       if (customer) result->customer = customer_view(*customer);
                       next();
                     },
                     [done](const caf::error& e) { done(failure<details>(e)); }, customer_atom::value,
                     result->order.customer.value());
               },
               [system, timeout, s, id, result, done](std::function<void()> next) {
                 ask_within(
                     *system, timeout, s.store,
                     [result, next](std::vector<persistence::stored_event>& events) {
                       for (const auto& e : events) result->events.push_back(event_view(e));
                       next();
                     },
                     [done](const caf::error& e) { done(failure<details>(e)); }, load_atom::value, id);
               }},
              [result, done] { done(std::move(*result)); });
}

void engine::erase_customer(std::string ref, app::callback<app::erasure_receipt> done) {
  using receipt = app::erasure_receipt;
  if (!domain::is_uuid(ref)) return done(domain::make_error(domain::error_code::not_found, "no such customer"));
  auto* system = &system_;
  const auto timeout = settings_.ask_timeout;
  const auto s = services_->get();
  // The customer's order (one checkout, one customer), then the erasure as
  // that order's decision: it refuses while money is owed.
  ask_within(
      system_, timeout, s.store,
      [system, timeout, s, ref, done](std::string& order) {
        if (order.empty()) return done(domain::make_error(domain::error_code::not_found, "no such customer"));
        order_request req{domain::order_id{order},
                          domain::erase_personal_data{domain::actor_role::admin, wall_clock_now()}, std::nullopt,
                          std::nullopt};
        ask_within(
            *system, timeout, s.registry,
            [ref, done](order_reply& r) {
              done(receipt{ref, r.order.customer_erased_at.value_or(r.order.updated_at)});
            },
            [done](const caf::error& e) { done(failure<receipt>(e)); }, std::move(req));
      },
      [done](const caf::error& e) { done(failure<receipt>(e)); }, owner_atom::value, ref);
}

void engine::erasure_requests(app::callback<std::vector<app::erasure_request>> done) {
  using requests = std::vector<app::erasure_request>;
  ask_within(
      system_, settings_.ask_timeout, services_->get().store,
      [done](std::vector<persistence::erasure_request_row>& rows) {
        requests out;
        for (const auto& row : rows) out.push_back(erasure_request_view(row));
        done(std::move(out));
      },
      [done](const caf::error& e) { done(failure<requests>(e)); }, erasures_atom::value, 200);
}

void engine::dead_mail(app::callback<std::vector<app::dead_message>> done) {
  using messages = std::vector<app::dead_message>;
  ask_within(
      system_, settings_.ask_timeout, services_->get().store,
      [done](std::vector<persistence::outbox_entry>& dead) {
        messages out;
        for (const auto& m : dead) out.push_back(dead_message_view(m));
        done(std::move(out));
      },
      [done](const caf::error& e) { done(failure<messages>(e)); }, dead_atom::value, 200);
}

void engine::retry_mail(std::int64_t id, app::callback<bool> done) {
  ask_within(
      system_, settings_.ask_timeout, services_->get().store, [done](bool retried) { done(retried); },
      [done](const caf::error& e) { done(failure<bool>(e)); }, retry_atom::value, id);
}

void engine::payment_exceptions(std::string status, app::callback<std::vector<app::payment_exception>> done) {
  using views = std::vector<app::payment_exception>;
  if (!admit(*settings_.matcher_gate, done)) return;
  ask_within(
      system_, settings_.ask_timeout, services_->get().matcher,
      [done](std::vector<persistence::exception_row>& rows) {
        views out;
        for (const auto& r : rows) out.push_back(exception_view(r));
        done(std::move(out));
      },
      [done](const caf::error& e) { done(failure<views>(e)); }, list_atom::value, std::move(status));
}

void engine::assign_exception(std::int64_t id, domain::order_id order, std::string by,
                              app::callback<app::payment_exception> done) {
  if (!admit(*settings_.matcher_gate, done)) return;
  ask_within(
      system_, settings_.ask_timeout, services_->get().matcher,
      [done](persistence::exception_row& r) { done(exception_view(r)); },
      [done](const caf::error& e) { done(failure<app::payment_exception>(e)); }, assign_atom::value, id,
      std::move(order), std::move(by));
}

void engine::dismiss_exception(std::int64_t id, std::string reason, std::string by,
                               app::callback<app::payment_exception> done) {
  if (!admit(*settings_.matcher_gate, done)) return;
  ask_within(
      system_, settings_.ask_timeout, services_->get().matcher,
      [done](persistence::exception_row& r) { done(exception_view(r)); },
      [done](const caf::error& e) { done(failure<app::payment_exception>(e)); }, dismiss_atom::value, id,
      std::move(reason), std::move(by));
}

void engine::kpis(domain::timestamp from, domain::timestamp to, app::callback<domain::kpi_report> done) {
  ask_within(
      system_, settings_.ask_timeout, services_->get().store,
      [done, from, to](persistence::kpi_inputs& in) {
        done(domain::compute_kpis(kpi_totals(in), in.checkouts_started, from, to));
      },
      [done](const caf::error& e) { done(failure<domain::kpi_report>(e)); }, kpi_atom::value, domain::to_unix_ms(from),
      domain::to_unix_ms(to));
}

}  // namespace actors
