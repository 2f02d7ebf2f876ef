#include "http/dto.hpp"

#include <nlohmann/json.hpp>

namespace http::dto {

using domain::error_code;
using domain::make_error;
using nlohmann::json;

namespace {

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

}  // namespace http::dto
