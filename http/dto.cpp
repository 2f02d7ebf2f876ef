#include "http/dto.hpp"

#include <nlohmann/json.hpp>

#include "domain/access.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

namespace http::dto {

using domain::error_code;
using domain::make_error;
using nlohmann::json;

namespace {

/// JSON may spell a NUL ("\u0000"), PostgreSQL cannot store one in text or
/// jsonb: one such string would fail the whole journal batch it travels in.
bool storable(const std::string& text) {
  return text.find('\0') == std::string::npos;
}

/// Reads fields of one JSON object, remembering the first problem so that a
/// DTO reads as a list of fields rather than a ladder of ifs.
class reader {
 public:
  reader(const json& object, std::string prefix) : j_(object), prefix_(std::move(prefix)) {
    if (!j_.is_object()) fail("", "must be a JSON object");
  }

  std::string text(const char* key, bool required = true) {
    const json* v = find(key);
    if (!v || v->is_null()) {
      if (required) fail(key, "is required");
      return {};
    }
    if (!v->is_string()) {
      fail(key, "must be a string");
      return {};
    }
    std::string value = v->get<std::string>();
    if (!storable(value)) {
      fail(key, "must not contain a NUL character");
      return {};
    }
    return value;
  }

  std::int64_t integer(const char* key) {
    const json* v = find(key);
    if (!v || v->is_null()) {
      fail(key, "is required");
      return 0;
    }
    if (!v->is_number_integer()) {
      fail(key, "must be a whole number");
      return 0;
    }
    return v->get<std::int64_t>();
  }

  const json* object(const char* key) {
    const json* v = find(key);
    if (!v || !v->is_object()) {
      fail(key, v ? "must be an object" : "is required");
      return nullptr;
    }
    return v;
  }

  const json* array(const char* key) {
    const json* v = find(key);
    if (!v || !v->is_array()) {
      fail(key, v ? "must be an array" : "is required");
      return nullptr;
    }
    return v;
  }

  std::string field(const char* key) const { return prefix_.empty() ? key : prefix_ + "." + key; }
  bool ok() const { return !error_; }
  const domain::domain_error& error() const { return *error_; }
  void adopt(const reader& inner) {
    if (!error_ && inner.error_) error_ = inner.error_;
  }

 private:
  const json* find(const char* key) {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  void fail(const char* key, const char* what) {
    if (error_) return;
    const std::string f = *key ? field(key) : prefix_;
    error_ = make_error(error_code::validation, (f.empty() ? "the body" : f) + " " + what, f);
  }

  const json& j_;
  std::string prefix_;
  std::optional<domain::domain_error> error_;
};

}  // namespace

domain::result<domain::checkout_input> checkout(const json& body) {
  reader r{body, ""};
  domain::checkout_input in;
  if (const json* items = r.array("items")) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      reader item{(*items)[i], "items[" + std::to_string(i) + "]"};
      domain::checkout_item_input line;
      line.sku = item.text("sku");
      line.quantity = item.integer("quantity");
      r.adopt(item);
      in.items.push_back(std::move(line));
    }
  }
  if (const json* c = r.object("customer")) {
    reader cust{*c, "customer"};
    in.customer.name = cust.text("name");
    in.customer.email = cust.text("email");
    r.adopt(cust);
  }
  if (const json* s = r.object("shipping")) {
    reader ship{*s, "shipping"};
    in.shipping.line1 = ship.text("line1");
    in.shipping.line2 = ship.text("line2", false);
    in.shipping.city = ship.text("city");
    in.shipping.region = ship.text("region", false);
    in.shipping.postal_code = ship.text("postal_code");
    in.shipping.country = ship.text("country");
    r.adopt(ship);
  }
  in.payment_method = r.text("payment_method");
  if (!r.ok()) return r.error();
  return in;
}

domain::result<domain::order_command> admin_command(const json& body) {
  reader r{body, ""};
  const std::string type = r.text("type");
  if (!r.ok()) return r.error();
  domain::order_command cmd;
  if (type == "verify_payment") {
    domain::verify_payment c;
    c.tx_id = r.text("tx_id");
    // Accept the amount as a decimal string (the API's form) or a JSON integer.
    std::string amount;
    if (body.contains("amount_atomic") && body["amount_atomic"].is_number_unsigned())
      amount = std::to_string(body["amount_atomic"].get<std::uint64_t>());
    else
      amount = r.text("amount_atomic");
    if (!r.ok()) return r.error();
    auto parsed = domain::atomic_amount::parse(amount);
    if (!parsed)
      return make_error(error_code::validation, "amount_atomic must be a whole number of atomic units",
                        "amount_atomic");
    c.amount = *parsed;
    cmd = c;
  } else if (type == "start_processing") {
    cmd = domain::start_processing{};
  } else if (type == "ship") {
    domain::ship_order c;
    c.carrier = r.text("carrier");
    c.tracking_number = r.text("tracking_number");
    c.estimated_delivery = r.text("estimated_delivery");
    cmd = c;
  } else if (type == "mark_delivered") {
    cmd = domain::mark_delivered{};
  } else if (type == "cancel") {
    domain::cancel_order c;
    c.reason = r.text("reason");
    c.by = domain::actor_role::admin;
    cmd = c;
  } else if (type == "contact_customer") {
    domain::contact_customer c;
    c.message = r.text("message");
    cmd = c;
  } else if (type == "add_note") {
    domain::add_note c;
    c.text = r.text("text");
    cmd = c;
  } else {
    return make_error(error_code::validation,
                      "type must be one of verify_payment, start_processing, ship, mark_delivered, cancel, "
                      "contact_customer, add_note",
                      "type");
  }
  if (!r.ok()) return r.error();
  return cmd;
}

domain::result<domain::order_command> requote(const json&) {
  return domain::order_command{domain::requote_order{}};
}

domain::result<domain::order_command> customer_cancel(const json& body) {
  domain::cancel_order c;
  c.by = domain::actor_role::customer;
  if (!body.is_null()) {
    reader r{body, ""};
    c.reason = r.text("reason", false);
    if (!r.ok()) return r.error();
  }
  return domain::order_command{c};
}

domain::result<domain::order_command> payment_claim(const json& body) {
  reader r{body, ""};
  domain::claim_payment c;
  c.tx_id = r.text("tx_id");
  if (!r.ok()) return r.error();
  return domain::order_command{c};
}

domain::result<domain::order_command> review(const json& body) {
  reader r{body, ""};
  domain::leave_review c;
  c.rating = static_cast<int>(std::clamp<std::int64_t>(r.integer("rating"), -1, 100));
  c.text = r.text("text", false);
  if (!r.ok()) return r.error();
  return domain::order_command{c};
}

domain::result<std::string> idempotency_key(const std::string& key) {
  if (key.size() > 255 || std::any_of(key.begin(), key.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
    return make_error(error_code::validation, "Idempotency-Key must be 1 to 255 visible ASCII characters",
                      "Idempotency-Key");
  return key;
}

domain::result<std::string> analytics_event(const json& body) {
  const json type = body.is_object() ? body.value("type", json()) : json();
  if (!type.is_string() || type.get<std::string>() != "checkout_started")
    return make_error(error_code::validation, "type must be \"checkout_started\"", "type");
  return type.get<std::string>();
}

namespace {

std::optional<std::string> param(const query_params& query, const char* key) {
  auto it = query.find(key);
  if (it == query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

domain::result<app::order_filter> order_filter(const query_params& query) {
  app::order_filter filter;
  if (auto status = param(query, "status")) {
    filter.status = domain::parse_status(*status);
    if (!filter.status)
      return make_error(error_code::validation,
                        "status must be one of pending, paid, processing, shipped, delivered, cancelled", "status");
  }
  filter.query = param(query, "q");
  filter.cursor = param(query, "cursor");
  if (auto limit = param(query, "limit")) {
    char* end = nullptr;
    const long n = std::strtol(limit->c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > app::max_page_size)
      return make_error(error_code::validation, "limit must be 1.." + std::to_string(app::max_page_size), "limit");
    filter.limit = static_cast<int>(n);
  }
  return filter;
}

domain::result<std::string> exception_status(const query_params& query) {
  const std::string status = param(query, "status").value_or("open");
  if (status != "open" && status != "resolved" && status != "dismissed")
    return make_error(error_code::validation, "status must be one of open, resolved, dismissed", "status");
  return status;
}

domain::result<domain::order_id> exception_assignment(const json& body) {
  const json order = body.is_object() ? body.value("order_id", json()) : json();
  if (!order.is_string() || !domain::is_uuid(order.get<std::string>()))
    return make_error(error_code::validation, "order_id must be the id of an order", "order_id");
  return domain::order_id{order.get<std::string>()};
}

domain::result<std::string> exception_dismissal(const json& body) {
  const json reason = body.is_object() ? body.value("reason", json()) : json();
  const bool blank = !reason.is_string() || reason.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || reason.get<std::string>().size() > domain::max_note_length || !storable(reason.get<std::string>()))
    return make_error(error_code::validation, "reason is required (at most 2000 characters, no NUL)", "reason");
  return reason.get<std::string>();
}

domain::result<day_range> kpi_range(const query_params& query, domain::timestamp today) {
  using std::chrono::hours;
  const auto day_of = [](const std::string& text) -> std::optional<domain::timestamp> {
    if (!domain::is_calendar_date(text)) return std::nullopt;
    return domain::parse_rfc3339(text + "T00:00:00Z");
  };
  day_range range{today - hours{24 * 29}, today};
  if (auto text = param(query, "to")) {
    auto day = day_of(*text);
    if (!day) return make_error(error_code::validation, "to must be a date like 2026-11-30", "to");
    range.to = *day;
    if (!param(query, "from")) range.from = range.to - hours{24 * 29};
  }
  if (auto text = param(query, "from")) {
    auto day = day_of(*text);
    if (!day) return make_error(error_code::validation, "from must be a date like 2026-11-01", "from");
    range.from = *day;
  }
  if (range.from > range.to) return make_error(error_code::validation, "from must not be after to", "from");
  if (range.to - range.from > hours{24 * 366})
    return make_error(error_code::validation, "the range is at most 366 days", "from");
  return range;
}

}  // namespace http::dto
