#include "actors/mail_model.hpp"

#include "domain/money.hpp"
#include "domain/payment.hpp"
#include "domain/time.hpp"

namespace actors {

using nlohmann::json;

namespace {

std::string usd(const json& cents) {
  return domain::format_usd(domain::cents{cents.get<std::int64_t>()});
}

/// "2026-11-26 12:12 UTC": people read this, machines read the RFC 3339 original.
std::string readable_time(const std::string& rfc3339) {
  auto t = domain::parse_rfc3339(rfc3339);
  if (!t) return rfc3339;
  const std::string s = domain::format_rfc3339(*t);
  return s.substr(0, 10) + " " + s.substr(11, 5) + " UTC";
}

std::string date_after(const std::string& rfc3339, config::duration d) {
  auto t = domain::parse_rfc3339(rfc3339);
  if (!t) return "";
  return domain::format_rfc3339(*t + d).substr(0, 10);
}

std::string business_days(config::duration d) {
  const auto days = std::chrono::duration_cast<std::chrono::hours>(d).count() / 24;
  if (days <= 1) return "1 business day";
  return "1-" + std::to_string(days) + " business days";
}

std::string coin_amount(const json& atomic, const json& payment) {
  const auto amount = domain::atomic_amount::parse(atomic.get<std::string>());
  if (!amount) return atomic.get<std::string>();
  return domain::describe_amount(*amount, payment.value("decimals", 0), payment.at("method").get<std::string>());
}

/// A refund email's amounts as people read them; "" (a hidden section) for
/// what does not apply.
json refund_data(const json& refund, const json& payment) {
  json out = {{"amount", coin_amount(refund.at("amount_atomic"), payment)},
              {"txid", refund.value("txid", "")},
              {"address", refund.value("address", "")},
              {"still_due", ""}};
  if (refund.value("still_due_atomic", "0") != "0")
    out["still_due"] = coin_amount(refund.at("still_due_atomic"), payment);
  return out;
}

}  // namespace

json mail_data(const persistence::order_row& row, const persistence::customer_row& customer, const json& payload,
               const mail_context& ctx) {
  const json view = json::parse(row.view_json);
  json items = json::array();
  for (const auto& line : view.at("items"))
    items.push_back({{"name", line.at("name")},
                     {"sku", line.at("sku")},
                     {"quantity", line.at("quantity")},
                     {"unit_price", usd(line.at("unit_price_cents"))},
                     {"line_total", usd(line.at("line_total_cents"))}});
  const json& p = view.at("payment");
  json payment = {{"method", p.at("method")},
                  {"address", p.at("address")},
                  {"amount_display", p.at("amount_display")},
                  {"uri", p.at("uri")},
                  {"expires_at", readable_time(p.at("expires_at").get<std::string>())}};
  if (p.contains("memo") && p.at("memo").is_string()) payment["memo"] = p.at("memo");
  json order = {{"number", view.at("number")},
                {"status", view.at("status")},
                {"created_at", readable_time(view.at("created_at").get<std::string>())},
                {"items", items},
                {"subtotal", usd(view.at("subtotal_cents"))},
                {"shipping", usd(view.at("shipping_cents"))},
                {"total", usd(view.at("total_cents"))},
                {"payment", payment}};
  if (view.contains("shipment")) order["shipment"] = view.at("shipment");
  if (view.contains("cancel_reason")) order["cancel_reason"] = view.at("cancel_reason");
  if (view.contains("cancelled_by")) order["cancelled_by"] = view.at("cancelled_by");

  const std::string base = ctx.shop.public_url + "/orders/" + row.id;
  json data = {
      {"shop",
       {{"name", ctx.shop.name}, {"support_email", ctx.shop.support_email}, {"public_url", ctx.shop.public_url}}},
      {"customer", {{"name", customer.name}, {"email", customer.email}}},
      {"order", order},
      {"order_link", base + "?token=" + ctx.access_token},
      {"admin_link", ctx.shop.public_url + "/admin/orders/" + row.id},
      {"review_link", base + "?token=" + ctx.access_token + "#review"},
      {"processing_time", business_days(ctx.processing_time)}};
  auto shipping = json::parse(customer.shipping_json.empty() ? "{}" : customer.shipping_json, nullptr, false);
  data["shipping_address"] = shipping.is_discarded() ? json::object() : shipping;
  const std::string paid_at = p.value("paid_at", "");
  data["estimated_ship_date"] =
      date_after(paid_at.empty() ? view.at("updated_at").get<std::string>() : paid_at, ctx.processing_time);
  if (payload.contains("message")) data["message"] = payload.at("message");
  if (payload.contains("refund")) data["refund"] = refund_data(payload.at("refund"), p);
  return data;
}

}  // namespace actors
