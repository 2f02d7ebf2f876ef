#include "domain/order_json.hpp"

#include <climits>
#include <cstdint>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "domain/overloaded.hpp"
#include "domain/time.hpp"

namespace domain {

using nlohmann::json;

namespace {

json encode_lines(const std::vector<order_line>& lines) {
  json out = json::array();
  for (const auto& l : lines)
    out.push_back({{"sku", l.item.value()},
                   {"name", l.name},
                   {"quantity", l.count.value},
                   {"unit_price_cents", l.unit_price.value},
                   {"line_total_cents", l.line_total.value}});
  return out;
}

// nlohmann's get<int>() reads 2.5 as 2 and true as 1; a payload holding either
// is corrupt and must not decode into a plausible order.
std::int64_t integer_at(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)))
    throw std::invalid_argument(std::string{"not an integer: "} + key);
  return v.get<std::int64_t>();
}

int int_at(const json& j, const char* key) {
  const std::int64_t v = integer_at(j, key);
  if (v < INT_MIN || v > INT_MAX) throw std::invalid_argument(std::string{"out of range: "} + key);
  return static_cast<int>(v);
}

std::vector<order_line> decode_lines(const json& j) {
  // Iterating an object would walk its values and accept {"x": line} as a list.
  if (!j.is_array()) throw std::invalid_argument("items is not an array");
  std::vector<order_line> lines;
  for (const auto& l : j)
    lines.push_back(order_line{sku{l.at("sku").get<std::string>()}, l.at("name").get<std::string>(),
                               quantity{int_at(l, "quantity")}, cents{integer_at(l, "unit_price_cents")},
                               cents{integer_at(l, "line_total_cents")}});
  return lines;
}

json encode_quote(const payment_quote& q) {
  return {{"method", q.method},
          {"address", q.address},
          {"address_is_per_order", q.address_is_per_order},
          {"address_index", q.address_index ? json(*q.address_index) : json(nullptr)},
          {"confirmations_required", q.confirmations_required},
          {"decimals", q.decimals},
          {"amount_atomic", q.amount.to_string()},
          {"amount_display", q.amount_display},
          {"memo", q.memo ? json(*q.memo) : json(nullptr)},
          {"uri", q.uri},
          {"expires_at", format_rfc3339(q.expires_at)}};
}

timestamp time_at(const json& j, const char* key) {
  auto t = parse_rfc3339(j.at(key).get<std::string>());
  if (!t) throw std::invalid_argument(std::string{"bad time in "} + key);
  return *t;
}

atomic_amount amount_at(const json& j, const char* key) {
  auto a = atomic_amount::parse(j.at(key).get<std::string>());
  if (!a) throw std::invalid_argument(std::string{"bad amount in "} + key);
  return *a;
}

payment_quote decode_quote(const json& j) {
  payment_quote q;
  q.method = j.at("method").get<std::string>();
  q.address = j.at("address").get<std::string>();
  // Absent from quotes stored before payments were matched automatically.
  q.address_is_per_order = j.value("address_is_per_order", false);
  // Absent from quotes stored before addresses were numbered in the database.
  if (j.contains("address_index") && !j.at("address_index").is_null()) {
    const auto index = integer_at(j, "address_index");
    if (index < 0 || index > std::int64_t{UINT32_MAX}) throw std::invalid_argument("out of range: address_index");
    q.address_index = static_cast<std::uint32_t>(index);
  }
  q.confirmations_required = j.contains("confirmations_required") ? int_at(j, "confirmations_required") : 0;
  q.decimals = j.contains("decimals") ? int_at(j, "decimals") : 0;
  q.amount = amount_at(j, "amount_atomic");
  q.amount_display = j.at("amount_display").get<std::string>();
  if (!j.at("memo").is_null()) q.memo = j.at("memo").get<std::string>();
  q.uri = j.at("uri").get<std::string>();
  q.expires_at = time_at(j, "expires_at");
  return q;
}

payment_source source_at(const json& j, const char* key) {
  auto s = parse_payment_source(j.at(key).get<std::string>());
  if (!s) throw std::invalid_argument(std::string{"bad payment source in "} + key);
  return *s;
}

match_basis basis_at(const json& j, const char* key) {
  auto b = parse_match_basis(j.at(key).get<std::string>());
  if (!b) throw std::invalid_argument(std::string{"bad match basis in "} + key);
  return *b;
}

std::optional<actor_role> parse_role(const std::string& s) {
  for (auto r : {actor_role::customer, actor_role::admin, actor_role::system})
    if (s == to_string(r)) return r;
  return std::nullopt;
}

}  // namespace

json encode_event(const order_event& event) {
  json j = std::visit(
      overloaded{
          [](const order_placed& e) -> json {
            return {{"id", e.id.value()},
                    {"number", e.number.value()},
                    {"customer_ref", e.customer.value()},
                    {"items", encode_lines(e.lines)},
                    {"subtotal_cents", e.subtotal.value},
                    {"shipping_cents", e.shipping.value},
                    {"total_cents", e.total.value},
                    {"quote", encode_quote(e.quote)},
                    {"checkout_fingerprint", e.checkout_fingerprint}};
          },
          [](const payment_claimed& e) -> json {
            return {{"tx_id", e.tx_id}};
          },
          [](const payment_detected& e) -> json {
            return {{"txid", e.txid}, {"amount_atomic", e.amount.to_string()}, {"confirmations", e.confirmations}};
          },
          [](const payment_withdrawn& e) -> json {
            return {{"txid", e.txid}, {"amount_atomic", e.amount.to_string()}};
          },
          [](const payment_reversed& e) -> json {
            return {{"coin", e.coin},
                    {"txid", e.txid},
                    {"amount_atomic", e.amount.to_string()},
                    {"received_total_atomic", e.received_total.to_string()},
                    {"was_paid", e.was_paid},
                    {"message", e.message},
                    {"quote_expires_at", format_rfc3339(e.quote_expires_at)}};
          },
          [](const payment_received& e) -> json {
            return {{"coin", e.coin},
                    {"txid", e.txid},
                    {"amount_atomic", e.amount.to_string()},
                    {"received_total_atomic", e.received_total.to_string()},
                    {"confirmations", e.confirmations},
                    {"source", to_string(e.source)},
                    {"basis", to_string(e.basis)},
                    {"received_at", format_rfc3339(e.received_at)},
                    {"quote_expires_at", format_rfc3339(e.quote_expires_at)}};
          },
          [](const payment_requoted& e) -> json {
            return {{"quote", encode_quote(e.quote)}};
          },
          [](const underpayment_expired& e) -> json {
            return {{"coin", e.coin},
                    {"txid", e.txid},
                    {"received_atomic", e.received.to_string()},
                    {"still_due_atomic", e.still_due.to_string()},
                    {"message", e.message}};
          },
          [](const payment_verified& e) -> json {
            return {{"tx_id", e.tx_id},
                    {"received_atomic", e.received.to_string()},
                    {"refund_due_atomic", e.refund_due.to_string()}};
          },
          [](const processing_started&) -> json { return json::object(); },
          [](const order_shipped& e) -> json {
            return {{"carrier", e.carrier},
                    {"tracking_number", e.tracking_number},
                    {"tracking_url", e.tracking_url},
                    {"estimated_delivery", e.estimated_delivery}};
          },
          [](const order_delivered&) -> json { return json::object(); },
          [](const order_cancelled& e) -> json {
            json j = {{"reason", e.reason}, {"by", to_string(e.by)}};
            if (e.refund_due.value() > 0) j["refund_due_atomic"] = e.refund_due.to_string();
            return j;
          },
          [](const refund_address_given& e) -> json {
            return {{"address", e.address}, {"by", to_string(e.by)}};
          },
          [](const refund_recorded& e) -> json {
            return {{"txid", e.txid},
                    {"amount_atomic", e.amount.to_string()},
                    {"refunded_total_atomic", e.refunded_total.to_string()},
                    {"still_due_atomic", e.still_due.to_string()}};
          },
          [](const note_added& e) -> json {
            return {{"text", e.text}};
          },
          [](const customer_contacted& e) -> json {
            return {{"message", e.message}};
          },
          [](const review_left& e) -> json {
            return {{"rating", e.rating}, {"text", e.text}};
          },
          [](const payment_reminder_sent&) -> json { return json::object(); },
          [](const review_requested&) -> json { return json::object(); },
          [](const erasure_requested&) -> json { return json::object(); },
          [](const personal_data_erased& e) -> json {
            return {{"by", to_string(e.by)}};
          },
      },
      event);
  j["at"] = format_rfc3339(event_time(event));
  return j;
}

std::optional<order_event> decode_event(std::string_view type, const json& p) {
  try {
    const timestamp at = time_at(p, "at");
    if (type == "order_placed")
      return order_placed{order_id{p.at("id").get<std::string>()},
                          order_number{p.at("number").get<std::string>()},
                          customer_ref{p.at("customer_ref").get<std::string>()},
                          decode_lines(p.at("items")),
                          cents{integer_at(p, "subtotal_cents")},
                          cents{integer_at(p, "shipping_cents")},
                          cents{integer_at(p, "total_cents")},
                          decode_quote(p.at("quote")),
                          p.at("checkout_fingerprint").get<std::string>(),
                          at};
    if (type == "payment_claimed") return payment_claimed{p.at("tx_id").get<std::string>(), at};
    if (type == "payment_verified")
      return payment_verified{p.at("tx_id").get<std::string>(), amount_at(p, "received_atomic"),
                              amount_at(p, "refund_due_atomic"), at};
    if (type == "payment_detected")
      return payment_detected{p.at("txid").get<std::string>(), amount_at(p, "amount_atomic"),
                              int_at(p, "confirmations"), at};
    if (type == "payment_withdrawn")
      return payment_withdrawn{p.at("txid").get<std::string>(), amount_at(p, "amount_atomic"), at};
    if (type == "payment_reversed")
      return payment_reversed{p.at("coin").get<std::string>(),    p.at("txid").get<std::string>(),
                              amount_at(p, "amount_atomic"),      amount_at(p, "received_total_atomic"),
                              p.at("was_paid").get<bool>(),       p.at("message").get<std::string>(),
                              time_at(p, "quote_expires_at"),     at};
    if (type == "payment_received")
      return payment_received{p.at("coin").get<std::string>(),
                              p.at("txid").get<std::string>(),
                              amount_at(p, "amount_atomic"),
                              amount_at(p, "received_total_atomic"),
                              int_at(p, "confirmations"),
                              source_at(p, "source"),
                              basis_at(p, "basis"),
                              time_at(p, "received_at"),
                              time_at(p, "quote_expires_at"),
                              at};
    if (type == "payment_requoted") return payment_requoted{decode_quote(p.at("quote")), at};
    if (type == "underpayment_expired")
      return underpayment_expired{p.at("coin").get<std::string>(),    p.at("txid").get<std::string>(),
                                  amount_at(p, "received_atomic"),    amount_at(p, "still_due_atomic"),
                                  p.at("message").get<std::string>(), at};
    if (type == "processing_started") return processing_started{at};
    if (type == "order_shipped")
      return order_shipped{p.at("carrier").get<std::string>(), p.at("tracking_number").get<std::string>(),
                           p.at("tracking_url").get<std::string>(), p.at("estimated_delivery").get<std::string>(), at};
    if (type == "order_delivered") return order_delivered{at};
    if (type == "order_cancelled") {
      auto by = parse_role(p.at("by").get<std::string>());
      if (!by) return std::nullopt;
      // Absent from cancellations stored before refunds were tracked.
      const atomic_amount due = p.contains("refund_due_atomic") ? amount_at(p, "refund_due_atomic") : atomic_amount{};
      return order_cancelled{p.at("reason").get<std::string>(), *by, at, due};
    }
    if (type == "refund_address_given") {
      auto by = parse_role(p.at("by").get<std::string>());
      if (!by) return std::nullopt;
      return refund_address_given{p.at("address").get<std::string>(), *by, at};
    }
    if (type == "refund_recorded")
      return refund_recorded{p.at("txid").get<std::string>(), amount_at(p, "amount_atomic"),
                             amount_at(p, "refunded_total_atomic"), amount_at(p, "still_due_atomic"), at};
    if (type == "note_added") return note_added{p.at("text").get<std::string>(), at};
    if (type == "customer_contacted") return customer_contacted{p.at("message").get<std::string>(), at};
    if (type == "review_left") return review_left{int_at(p, "rating"), p.at("text").get<std::string>(), at};
    if (type == "payment_reminder_sent") return payment_reminder_sent{at};
    if (type == "review_requested") return review_requested{at};
    if (type == "erasure_requested") return erasure_requested{at};
    if (type == "personal_data_erased") {
      auto by = parse_role(p.at("by").get<std::string>());
      if (!by) return std::nullopt;
      return personal_data_erased{*by, at};
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return std::nullopt;
}

json customer_view(const order& o) {
  json view = {{"id", o.id.value()},
               {"number", o.number.value()},
               {"status", to_string(o.status)},
               {"items", encode_lines(o.lines)},
               {"subtotal_cents", o.subtotal.value},
               {"shipping_cents", o.shipping.value},
               {"total_cents", o.total.value},
               {"payment", encode_quote(o.quote)},
               {"created_at", format_rfc3339(o.created_at)},
               {"updated_at", format_rfc3339(o.updated_at)}};
  auto& payment = view["payment"];
  const payment_state state = o.payment_progress();
  payment["state"] = to_string(state);
  payment["received_atomic"] = o.received.to_string();
  // The confirmations of the payment the customer is waiting on: the newest
  // detected one, else the last one counted.
  int confirmations = 0;
  for (const auto& p : o.payments)
    if (!p.counted || state != payment_state::detected) confirmations = p.confirmations;
  payment["confirmations"] = confirmations;
  if (state == payment_state::underpaid) payment["still_due_atomic"] = (o.quote.amount - o.received).to_string();
  if (o.payment) {
    payment["tx_id"] = o.payment->tx_id;
    payment["paid_at"] = format_rfc3339(o.payment->at);
    // What the shop still owes back: gone once the refund was sent in full
    // (the refund section keeps the history).
    if (o.refund_outstanding().value() > 0) payment["refund_due_atomic"] = o.refund_outstanding().to_string();
  }
  json timeline = json::array();
  for (const auto& t : o.timeline)
    timeline.push_back({{"at", format_rfc3339(t.at)}, {"status", to_string(t.status)}, {"note", t.note}});
  view["timeline"] = std::move(timeline);
  if (o.shipped)
    view["shipment"] = {{"carrier", o.shipped->carrier},
                        {"tracking_number", o.shipped->tracking_number},
                        {"tracking_url", o.shipped->tracking_url},
                        {"estimated_delivery", o.shipped->estimated_delivery}};
  if (o.customer_review)
    view["review"] = {{"rating", o.customer_review->rating},
                      {"text", o.customer_review->text},
                      {"at", format_rfc3339(o.customer_review->at)}};
  if (o.cancel_reason) view["cancel_reason"] = *o.cancel_reason;
  if (o.cancelled_by) view["cancelled_by"] = to_string(*o.cancelled_by);
  if (o.erasure_requested_at) view["erasure_requested_at"] = format_rfc3339(*o.erasure_requested_at);
  view["customer_erased"] = o.customer_erased_at.has_value();
  view["refund"] = refund_view(o);
  return view;
}

json refund_view(const order& o) {
  const auto state = o.refund_progress();
  if (!state) return nullptr;
  json refunds = json::array();
  for (const auto& r : o.refunds)
    refunds.push_back({{"txid", r.txid}, {"amount_atomic", r.amount.to_string()}, {"at", format_rfc3339(r.at)}});
  return {{"state", to_string(*state)},
          {"address", o.refund_address ? json(*o.refund_address) : json(nullptr)},
          {"address_by", o.refund_address_by ? json(to_string(*o.refund_address_by)) : json(nullptr)},
          {"due_atomic", o.refund_due().to_string()},
          {"refunded_atomic", o.refunded.to_string()},
          {"outstanding_atomic", o.refund_outstanding().to_string()},
          {"txid", o.refunds.empty() ? json(nullptr) : json(o.refunds.back().txid)},
          {"refunds", std::move(refunds)}};
}

std::vector<std::string> personal_paths(std::string_view event_type) {
  if (event_type == "note_added" || event_type == "review_left") return {"/text"};
  if (event_type == "customer_contacted") return {"/message"};
  if (event_type == "order_cancelled") return {"/reason"};
  if (event_type == "refund_address_given") return {"/address"};
  return {};
}

std::vector<std::string> view_personal_paths(const order& o) {
  std::vector<std::string> paths;
  if (o.customer_review) paths.emplace_back("/review/text");
  if (o.cancel_reason) paths.emplace_back("/cancel_reason");
  if (o.refund_address && o.refund_progress()) paths.emplace_back("/refund/address");
  for (std::size_t i = 0; i < o.timeline.size(); ++i)
    if (o.timeline[i].status == order_status::cancelled) paths.push_back("/timeline/" + std::to_string(i) + "/note");
  return paths;
}

json payments_view(const order& o) {
  json list = json::array();
  for (const auto& p : o.payments)
    list.push_back({{"coin", p.coin},
                    {"txid", p.txid},
                    {"amount_atomic", p.amount.to_string()},
                    {"confirmations", p.confirmations},
                    {"counted", p.counted},
                    {"source", to_string(p.source)},
                    {"basis", to_string(p.basis)},
                    {"received_at", format_rfc3339(p.received_at)}});
  return list;
}

nlohmann::json shipping_json(const shipping_address& a) {
  return {{"line1", a.line1},   {"line2", a.line2},           {"city", a.city},
          {"region", a.region}, {"postal_code", a.postal_code}, {"country", a.country}};
}

std::optional<shipping_address> parse_shipping_json(std::string_view text) {
  const auto stored = nlohmann::json::parse(text, nullptr, false);
  if (!stored.is_object()) return std::nullopt;
  auto field = [&](const char* key) { return stored.value(key, std::string{}); };
  return shipping_address{field("line1"),  field("line2"),       field("city"),
                          field("region"), field("postal_code"), field("country")};
}

}  // namespace domain
