#pragma once

// The JSON the API answers with, rendered from the application face's types
// (docs/API.md gives each shape). The order itself as its customer sees it is
// domain::customer_view.

#include <vector>

#include <nlohmann/json.hpp>

#include "app/admin_access.hpp"
#include "app/views.hpp"
#include "domain/catalog.hpp"
#include "domain/checkout.hpp"
#include "domain/kpi.hpp"
#include "domain/payment.hpp"

namespace http::views {

nlohmann::json product(const domain::product& p);
nlohmann::json payment_methods(const std::vector<domain::payment_method>& methods);
nlohmann::json shipping_policy(const domain::shipping_policy& policy);
/// The body of checkout's 201: the order as its customer sees it, with its access token.
std::string placed_order_body(const app::placed_order& placed);

nlohmann::json order_page(const app::order_page& page);
nlohmann::json refund_page(const app::refund_page& page);
nlohmann::json admin_order(const app::admin_order_details& details);
nlohmann::json dead_mail(const std::vector<app::dead_message>& messages);
nlohmann::json erasure_receipt(const app::erasure_receipt& receipt);
nlohmann::json erasure_requests(const std::vector<app::erasure_request>& requests);
nlohmann::json payment_exception(const app::payment_exception& x);
nlohmann::json payment_exceptions(const std::vector<app::payment_exception>& list);
nlohmann::json import_summary(const app::import_summary& summary);
/// `from` and `to` are the first and last day asked for, as YYYY-MM-DD.
nlohmann::json kpis(const domain::kpi_report& report, const std::string& from, const std::string& to);

nlohmann::json readiness(const app::readiness& r);
nlohmann::json system_report(const app::system_report& report);

// The back office's door (views_admin_access.cpp).
nlohmann::json admin_session(const app::admin_identity& who);
nlohmann::json api_key(const app::api_key& key);
nlohmann::json api_keys(const std::vector<app::api_key>& keys);
nlohmann::json issued_api_key(const app::issued_api_key& issued);
/// {"entries": [...], "next_before": id of the oldest entry when the page is full, else null}
nlohmann::json audit_log(const std::vector<app::audit_entry>& entries, int limit);

}  // namespace http::views
