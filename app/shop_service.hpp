#pragma once

// The application face: everything the web layer may ask of the engine, in
// domain types and the views of app/views.hpp. http/ calls it; actors/
// implements it; neither knows the other.
//
// Every asynchronous call returns at once and completes through its
// callback, possibly on another thread; the callback runs exactly once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/views.hpp"
#include "domain/catalog.hpp"
#include "domain/checkout.hpp"
#include "domain/kpi.hpp"
#include "domain/order.hpp"
#include "domain/payment.hpp"

namespace app {

template <class T>
using callback = std::function<void(domain::result<T>)>;

class shop_service {
 public:
  virtual ~shop_service() = default;

  // ---- storefront ----
  virtual std::shared_ptr<const domain::catalog> catalog() const = 0;
  virtual const std::vector<domain::payment_method>& payment_methods() const = 0;
  virtual domain::shipping_policy shipping_policy() const = 0;
  virtual void place_order(checkout_request request, callback<placed_order> done) = 0;
  virtual void get_order(domain::order_id id, callback<domain::order> done) = 0;
  /// Runs a command on an existing order; the engine stamps it with the time.
  virtual void execute(domain::order_id id, domain::order_command command, callback<domain::order> done) = 0;
  virtual bool token_matches(const domain::order_id& id, std::string_view token) const = 0;
  /// One more anonymous storefront event (only known types reach here).
  virtual void count_event(std::string type, callback<bool> done) = 0;

  // ---- admin ----
  virtual void list_orders(order_filter filter, callback<order_page> done) = 0;
  virtual void admin_order(domain::order_id id, callback<admin_order_details> done) = 0;
  /// Emails that could not be delivered after every attempt, newest first.
  virtual void dead_mail(callback<std::vector<dead_message>> done) = 0;
  /// Sends a dead email again (fresh attempts); false if it is not dead.
  virtual void retry_mail(std::int64_t id, callback<bool> done) = 0;
  /// Payment exceptions with this status (open, resolved, dismissed), newest first.
  virtual void payment_exceptions(std::string status, callback<std::vector<payment_exception>> done) = 0;
  /// Ties an open exception to an order; the matcher's amount rules apply. `by` names the admin.
  virtual void assign_exception(std::int64_t id, domain::order_id order, std::string by,
                                callback<payment_exception> done) = 0;
  virtual void dismiss_exception(std::int64_t id, std::string reason, std::string by,
                                 callback<payment_exception> done) = 0;
  /// A wallet CSV export, each row through the matcher. A bad header is a validation error.
  virtual void import_payments(std::string csv, callback<import_summary> done) = 0;
  /// Erases the personal data of customer `ref` (customer.ref of the admin
  /// order view) by destroying its key; erasing again answers the first
  /// erasure. not_found for an unknown ref, money_owed while its order owes
  /// money either way.
  virtual void erase_customer(std::string ref, callback<erasure_receipt> done) = 0;
  /// The customers' erasure requests: open ones first, newest first.
  virtual void erasure_requests(callback<std::vector<erasure_request>> done) = 0;
  /// Orders whose refund is in `which` state, newest first, paged as list_orders
  /// (the filter's cursor and limit).
  virtual void refunds(refund_list which, order_filter page, callback<refund_page> done) = 0;
  /// The five KPIs for orders placed in [from, to) (UTC midnights).
  virtual void kpis(domain::timestamp from, domain::timestamp to, callback<domain::kpi_report> done) = 0;

  // ---- operations ----
  virtual void engine_metrics(std::function<void(app::engine_metrics)> done) = 0;
  virtual void check_readiness(std::function<void(readiness)> done) = 0;
  virtual void system_status(std::function<void(system_report)> done) = 0;
};

}  // namespace app
