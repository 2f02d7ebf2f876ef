#pragma once

// The application face (app::shop_service) as the actors serve it: each call
// becomes a typed message to the service that owns the answer. The methods
// are spread by seam: engine.cpp (orders, admin reads), checkout.cpp,
// payment_import.cpp, engine_status.cpp (metrics, readiness, system).

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/admission_gate.hpp"
#include "app/shop_service.hpp"
#include "domain/access.hpp"

namespace caf {
class actor_system;
}

namespace actors {

class service_directory;

struct engine_settings {
  std::string node_name;  // cluster.node_name
  std::shared_ptr<const domain::catalog> catalog;
  std::vector<domain::payment_method> methods;
  domain::shipping_policy shipping;
  domain::access_keys keys{""};
  std::chrono::milliseconds quote_ttl{std::chrono::minutes{15}};
  // Handed to every set_refund_address: the coins' address checks.
  domain::refund_address_check check_refund_address;
  std::chrono::milliseconds ask_timeout{std::chrono::seconds{5}};
  // Coins whose orders get an address derived from the account's public key.
  std::set<std::string> derived_address_coins;
  // Coins whose watcher's wallet makes the orders' addresses, and the wallet
  // account that numbers them (Monero's account_index), by coin code.
  std::map<std::string, std::string> wallet_accounts;
  // The admin's calls and wallet imports waiting for the payment matcher.
  std::shared_ptr<admission_gate> matcher_gate = std::make_shared<admission_gate>(256);
};

class engine final : public app::shop_service {
 public:
  /// `system` and `services` must outlive the engine.
  engine(caf::actor_system& system, std::shared_ptr<const service_directory> services, engine_settings settings);

  std::shared_ptr<const domain::catalog> catalog() const override;
  const std::vector<domain::payment_method>& payment_methods() const override;
  domain::shipping_policy shipping_policy() const override;
  void place_order(app::checkout_request request, app::callback<app::placed_order> done) override;
  void get_order(domain::order_id id, app::callback<domain::order> done) override;
  void execute(domain::order_id id, domain::order_command command, app::callback<domain::order> done) override;
  bool token_matches(const domain::order_id& id, std::string_view token) const override;
  void count_event(std::string type, app::callback<bool> done) override;

  void list_orders(app::order_filter filter, app::callback<app::order_page> done) override;
  void admin_order(domain::order_id id, app::callback<app::admin_order_details> done) override;
  void dead_mail(app::callback<std::vector<app::dead_message>> done) override;
  void retry_mail(std::int64_t id, app::callback<bool> done) override;
  void payment_exceptions(std::string status, app::callback<std::vector<app::payment_exception>> done) override;
  void assign_exception(std::int64_t id, domain::order_id order, std::string by,
                        app::callback<app::payment_exception> done) override;
  void dismiss_exception(std::int64_t id, std::string reason, std::string by,
                         app::callback<app::payment_exception> done) override;
  void import_payments(std::string csv, app::callback<app::import_summary> done) override;
  void refunds(app::refund_list which, app::order_filter page, app::callback<app::refund_page> done) override;
  void kpis(domain::timestamp from, domain::timestamp to, app::callback<domain::kpi_report> done) override;
  void erase_customer(std::string ref, app::callback<app::erasure_receipt> done) override;
  void erasure_requests(app::callback<std::vector<app::erasure_request>> done) override;

  void engine_metrics(std::function<void(app::engine_metrics)> done) override;
  void check_readiness(std::function<void(app::readiness)> done) override;
  void system_status(std::function<void(app::system_report)> done) override;

 private:
  caf::actor_system& system_;
  std::shared_ptr<const service_directory> services_;
  engine_settings settings_;
};

}  // namespace actors
