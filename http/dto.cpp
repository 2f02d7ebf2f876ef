#include "http/dto.hpp"

#include <nlohmann/json.hpp>

#include "domain/access.hpp"
#include "domain/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace http::dto {

using domain::error_code;
using domain::make_error;
using nlohmann::json;

namespace {

using domain::has_control_character;
using domain::line_breaks;

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. A JSON body
// is checked by its parser; a query string arrives as whatever bytes were escaped.
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;  // the range of the byte after the lead
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;   // overlong
      if (lead == 0xed) high = 0x9f;  // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;   // overlong
      if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xbf)) return false;
    }
    i += length;
  }
  return true;
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
    if (has_control_character(v->get_ref<const std::string&>(), line_breaks::allowed)) {
      fail(key, "must not contain control characters");
      return {};
    }
    return v->get<std::string>();
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

/// `amount_atomic` as a decimal string (the API's form) or a JSON integer;
/// the reader's first problem, if any, comes first.
domain::result<domain::atomic_amount> atomic_amount_field(const json& body, reader& r) {
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
  return *parsed;
}

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
    auto amount = atomic_amount_field(body, r);
    if (!amount) return amount.error();
    c.amount = *amount;
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
  } else if (type == "set_refund_address") {
    domain::set_refund_address c;
    c.address = r.text("address");
    c.by = domain::actor_role::admin;
    cmd = c;
  } else if (type == "record_refund") {
    domain::record_refund c;
    c.txid = r.text("txid");
    auto amount = atomic_amount_field(body, r);
    if (!amount) return amount.error();
    c.amount = *amount;
    if (body.contains("allow_excess")) {
      if (!body["allow_excess"].is_boolean())
        return make_error(error_code::validation, "allow_excess must be true or false", "allow_excess");
      c.allow_excess = body["allow_excess"].get<bool>();
    }
    cmd = c;
  } else {
    return make_error(error_code::validation,
                      "type must be one of verify_payment, start_processing, ship, mark_delivered, cancel, "
                      "contact_customer, add_note, set_refund_address, record_refund",
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

domain::result<domain::order_command> refund_address(const json& body) {
  reader r{body, ""};
  domain::set_refund_address c;
  c.address = r.text("address");
  c.by = domain::actor_role::customer;
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

/// A whole number query parameter within [1, max]; absent or empty: `fallback`.
domain::result<std::int64_t> integer_param(const query_params& query, const char* key, std::int64_t fallback,
                                           std::int64_t max) {
  auto text = param(query, key);
  if (!text) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(text->c_str(), &end, 10);
  if (*end != '\0' || n < 1 || n > max)
    return make_error(error_code::validation, std::string{key} + " must be 1.." + std::to_string(max), key);
  return static_cast<std::int64_t>(n);
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
  if (filter.query && (!is_utf8(*filter.query) || has_control_character(*filter.query, line_breaks::allowed)))
    return make_error(error_code::validation, "q must be text: UTF-8 without control characters", "q");
  filter.cursor = param(query, "cursor");
  auto limit = integer_param(query, "limit", filter.limit, app::max_page_size);
  if (!limit) return limit.error();
  filter.limit = static_cast<int>(limit.value());
  return filter;
}

domain::result<struct refund_query> refund_query(const query_params& query) {
  struct refund_query out;
  const std::string state = param(query, "state").value_or("owed");
  if (state == "owed")
    out.which = app::refund_list::owed;
  else if (state == "due")
    out.which = app::refund_list::due;
  else if (state == "requested")
    out.which = app::refund_list::requested;
  else if (state == "refunded")
    out.which = app::refund_list::refunded;
  else
    return make_error(error_code::validation, "state must be one of owed, due, requested, refunded", "state");
  out.page.cursor = param(query, "cursor");
  auto limit = integer_param(query, "limit", out.page.limit, app::max_page_size);
  if (!limit) return limit.error();
  out.page.limit = static_cast<int>(limit.value());
  return out;
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
  const bool blank =
      !reason.is_string() || reason.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || reason.get<std::string>().size() > domain::max_note_length)
    return make_error(error_code::validation, "reason is required (at most 2000 characters)", "reason");
  if (has_control_character(reason.get<std::string>(), line_breaks::allowed))
    return make_error(error_code::validation, "reason must not contain control characters", "reason");
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

// ---- the back office's door ----

namespace {

/// A string member of at most `max` bytes without control characters (what a
/// person types; PostgreSQL cannot even store a NUL), or the validation error naming it.
domain::result<std::string> text_member(const json& body, const char* name, std::size_t max) {
  const json value = body.is_object() ? body.value(name, json()) : json();
  if (!value.is_string() || value.get<std::string>().empty())
    return make_error(error_code::validation, std::string{name} + " is required", name);
  std::string text = value.get<std::string>();
  if (text.size() > max)
    return make_error(error_code::validation, std::string{name} + " is longer than " + std::to_string(max) + " bytes",
                      name);
  if (has_control_character(text, line_breaks::refused))
    return make_error(error_code::validation, std::string{name} + " must not hold control characters", name);
  return text;
}

}  // namespace

domain::result<app::sign_in_attempt> sign_in(const json& body) {
  auto email = text_member(body, "email", 254);
  if (!email) return email.error();
  auto password = text_member(body, "password", 1024);
  if (!password) return password.error();
  auto code = text_member(body, "code", 32);
  if (!code) return code.error();
  return app::sign_in_attempt{std::move(email.value()), std::move(password.value()), std::move(code.value()), ""};
}

domain::result<std::string> api_key_name(const json& body) {
  return text_member(body, "name", 80);
}

domain::result<app::audit_query> audit_query(const query_params& query) {
  app::audit_query q;
  auto limit = integer_param(query, "limit", 100, 500);
  if (!limit) return limit.error();
  q.limit = static_cast<int>(limit.value());
  auto before = integer_param(query, "before", 0, INT64_MAX);
  if (!before) return before.error();
  q.before = before.value();
  for (auto [name, field] : {std::pair{"actor", &q.actor}, std::pair{"action", &q.action}}) {
    auto it = query.find(name);
    if (it == query.end()) continue;
    if (it->second.size() > 254)
      return make_error(error_code::validation, std::string{name} + " is longer than 254 bytes", name);
    *field = it->second;
  }
  return q;
}

}  // namespace http::dto
