#pragma once

// The engine's actor side as one object: it starts the actor system and the
// supervised service tree, and serves the HTTP layer's order_service calls by
// sending typed messages (no CAF in this header: it is included by main).

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "domain/access.hpp"
#include "domain/catalog.hpp"
#include "http/service.hpp"

namespace actors {

/// config::coin_config -> domain::payment_method
std::vector<domain::payment_method> payment_methods_from(const config::payments_config& payments);

class engine final : public http::order_service {
 public:
  engine(const config::engine_config& config, domain::catalog products, domain::access_keys keys);
  ~engine() override;

  /// Lets every append that was accepted reach the database, then stops the
  /// actors. Called after the HTTP server has drained.
  void stop();

  std::shared_ptr<const domain::catalog> catalog() const override;
  const std::vector<domain::payment_method>& payment_methods() const override;
  void place_order(http::checkout_request request, http::callback<http::placed_order> done) override;
  void get_order(domain::order_id id, http::callback<domain::order> done) override;
  void execute(domain::order_id id, domain::order_command command, http::callback<domain::order> done) override;
  bool token_matches(const domain::order_id& id, std::string_view token) const override;
  void list_orders(persistence::order_filter filter, http::callback<persistence::order_page> done) override;
  void admin_order(domain::order_id id, http::callback<http::admin_order_details> done) override;
  void dead_mail(http::callback<std::vector<persistence::outbox_entry>> done) override;
  void retry_mail(std::int64_t id, http::callback<bool> done) override;
  void payment_exceptions(std::string status, http::callback<std::vector<persistence::exception_row>> done) override;
  void assign_exception(std::int64_t id, domain::order_id order, std::string by,
                        http::callback<persistence::exception_row> done) override;
  void dismiss_exception(std::int64_t id, std::string reason, std::string by,
                         http::callback<persistence::exception_row> done) override;
  void import_payments(std::string csv, http::callback<http::import_summary> done) override;
  void count_event(std::string type, http::callback<bool> done) override;
  void kpis(domain::timestamp from, domain::timestamp to, http::callback<domain::kpi_report> done) override;
  void engine_metrics(std::function<void(std::string)> done) override;
  void check_readiness(std::function<void(http::readiness)> done) override;
  void system_status(std::function<void(std::string)> done) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace actors
