#pragma once

// Request bodies, query strings and headers -> domain inputs, commands and
// the application face's arguments: every request DTO in one place. A body
// that is JSON but of the wrong shape is a domain `validation` error naming
// the field; malformed JSON is the caller's 400.

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "app/admin_access.hpp"
#include "app/views.hpp"
#include "domain/checkout.hpp"
#include "domain/error.hpp"
#include "domain/order.hpp"
#include "domain/time.hpp"

namespace http::dto {

using query_params = std::map<std::string, std::string>;

domain::result<domain::checkout_input> checkout(const nlohmann::json& body);

/// `POST /admin/api/orders/{id}/commands`: {"type": "ship", ...}
domain::result<domain::order_command> admin_command(const nlohmann::json& body);

domain::result<domain::order_command> customer_cancel(const nlohmann::json& body);
domain::result<domain::order_command> payment_claim(const nlohmann::json& body);
domain::result<domain::order_command> review(const nlohmann::json& body);
/// POST /api/orders/{id}/refund-address: {"address"}, checked for the order's coin by the engine.
domain::result<domain::order_command> refund_address(const nlohmann::json& body);
/// POST /api/orders/{id}/requote: no body needed; the engine fills in today's rate.
domain::result<domain::order_command> requote(const nlohmann::json& body);

/// The Idempotency-Key header: "" (none) or 1 to 255 visible ASCII characters.
domain::result<std::string> idempotency_key(const std::string& header);

/// `POST /api/analytics/events`: {"type": "checkout_started"}, the only type.
domain::result<std::string> analytics_event(const nlohmann::json& body);

/// `GET /admin/api/orders?status=&q=&cursor=&limit=`
domain::result<app::order_filter> order_filter(const query_params& query);

/// `GET /admin/api/refunds?state=&cursor=&limit=`: owed (due or requested, the
/// default), due, requested, refunded.
struct refund_query {
  app::refund_list which = app::refund_list::owed;
  app::order_filter page;
};
domain::result<refund_query> refund_query(const query_params& query);

/// `GET /admin/api/payments/exceptions?status=`: open (default), resolved, dismissed.
domain::result<std::string> exception_status(const query_params& query);
/// `POST .../exceptions/{id}/assign`: {"order_id": uuid}
domain::result<domain::order_id> exception_assignment(const nlohmann::json& body);
/// `POST .../exceptions/{id}/dismiss`: {"reason": text}
domain::result<std::string> exception_dismissal(const nlohmann::json& body);

/// `GET /admin/api/kpis?from=&to=`: dates (UTC), both days included; default
/// the 30 days up to `today`; at most 366 days.
struct day_range {
  domain::timestamp from;  // midnight of the first day
  domain::timestamp to;    // midnight of the last day
};
domain::result<day_range> kpi_range(const query_params& query, domain::timestamp today);

// ---- the back office's door ----

/// `POST /admin/api/session`: {"email", "password", "code"}, each a string.
domain::result<app::sign_in_attempt> sign_in(const nlohmann::json& body);
/// `POST /admin/api/keys`: {"name": 1 to 80 printable characters}
domain::result<std::string> api_key_name(const nlohmann::json& body);
/// `GET /admin/api/audit?limit=&before=&actor=&action=`
domain::result<app::audit_query> audit_query(const query_params& query);

}  // namespace http::dto
