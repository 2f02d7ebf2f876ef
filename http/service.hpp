#pragma once

// What the HTTP layer needs from the engine, as plain C++: no CAF, no Beast.
// Every call returns at once and completes through its callback, possibly on
// another thread; the callback runs exactly once.

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/checkout.hpp"
#include "domain/kpi.hpp"
#include "domain/order.hpp"
#include "domain/payment.hpp"
#include "persistence/rows.hpp"

namespace http {

template <class T>
using callback = std::function<void(domain::result<T>)>;

struct checkout_request {
  domain::checkout_input input;
  std::string idempotency_key;    // "" when the client sent none
  std::string canonical_request;  // the body in canonical form, for the retry fingerprint
};

struct placed_order {
  domain::order order;
  std::string access_token;
};

struct admin_order_details {
  domain::order order;
  std::optional<persistence::customer_row> customer;  // absent once erased
  std::vector<persistence::stored_event> events;
};

/// The answer to a wallet CSV import (issue 4): every data row is counted in
/// exactly one of matched, exceptions, duplicates and rejected.
struct import_summary {
  int processed = 0;
  int matched = 0;
  int exceptions = 0;
  int duplicates = 0;
  struct rejected_row {
    int line = 0;
    std::string reason;
  };
  std::vector<rejected_row> rejected;
};

struct readiness {
  bool database = false;
  bool supervision = false;
};

class order_service {
 public:
  virtual ~order_service() = default;

  virtual std::shared_ptr<const domain::catalog> catalog() const = 0;
  virtual const std::vector<domain::payment_method>& payment_methods() const = 0;

  virtual void place_order(checkout_request request, callback<placed_order> done) = 0;
  virtual void get_order(domain::order_id id, callback<domain::order> done) = 0;
  /// Runs a command on an existing order; the engine stamps it with the time.
  virtual void execute(domain::order_id id, domain::order_command command, callback<domain::order> done) = 0;
  virtual bool token_matches(const domain::order_id& id, std::string_view token) const = 0;

  virtual void list_orders(persistence::order_filter filter, callback<persistence::order_page> done) = 0;
  virtual void admin_order(domain::order_id id, callback<admin_order_details> done) = 0;

  /// Emails that could not be delivered after every attempt, newest first.
  virtual void dead_mail(callback<std::vector<persistence::outbox_entry>> done) = 0;
  /// Sends a dead email again (fresh attempts); false if it is not dead.
  virtual void retry_mail(std::int64_t id, callback<bool> done) = 0;

  /// Payment exceptions with this status (open, resolved, dismissed), newest first.
  virtual void payment_exceptions(std::string status, callback<std::vector<persistence::exception_row>> done) = 0;
  /// Ties an open exception to an order; the matcher's amount rules apply. `by` names the admin (audit).
  virtual void assign_exception(std::int64_t id, domain::order_id order, std::string by,
                                callback<persistence::exception_row> done) = 0;
  virtual void dismiss_exception(std::int64_t id, std::string reason, std::string by,
                                 callback<persistence::exception_row> done) = 0;
  /// A wallet CSV export, each row through the matcher. A bad header is a validation error.
  virtual void import_payments(std::string csv, callback<import_summary> done) = 0;
  /// One more anonymous storefront event (only known types reach here).
  virtual void count_event(std::string type, callback<bool> done) = 0;
  /// The five KPIs for orders placed in [from, to) (UTC midnights).
  virtual void kpis(domain::timestamp from, domain::timestamp to, callback<domain::kpi_report> done) = 0;
  /// The engine's gauges and counters in Prometheus text format (GET /metrics adds the HTTP ones).
  virtual void engine_metrics(std::function<void(std::string text)> done) = 0;
  virtual void check_readiness(std::function<void(readiness)> done) = 0;
  /// The supervision tree, live actors, queues: `GET /admin/api/system`.
  virtual void system_status(std::function<void(std::string json)> done) = 0;
};

}  // namespace http
