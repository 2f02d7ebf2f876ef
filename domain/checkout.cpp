#include "domain/checkout.hpp"

#include <cctype>
#include <optional>
#include <set>

namespace domain {
namespace {

constexpr std::size_t max_text = 200;

std::string item_field(std::size_t i, const char* name) {
  return "items[" + std::to_string(i) + "]." + name;
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::optional<domain_error> required_text(const std::string& value, const char* field, const char* label) {
  if (blank(value)) return make_error(error_code::validation, std::string{label} + " is required", field);
  if (value.size() > max_text)
    return make_error(error_code::validation, std::string{label} + " is longer than 200 characters", field);
  return std::nullopt;
}

std::optional<domain_error> validate_address(const shipping_address& a) {
  if (auto e = required_text(a.line1, "shipping.line1", "Address line 1")) return e;
  if (a.line2.size() > max_text)
    return make_error(error_code::validation, "Address line 2 is longer than 200 characters", "shipping.line2");
  if (auto e = required_text(a.city, "shipping.city", "City")) return e;
  if (auto e = required_text(a.postal_code, "shipping.postal_code", "ZIP / postal code")) return e;
  const auto& c = a.country;
  if (c.size() != 2 || !std::isupper(static_cast<unsigned char>(c[0])) ||
      !std::isupper(static_cast<unsigned char>(c[1])))
    return make_error(error_code::validation, "Country must be a two-letter ISO 3166 code such as US",
                      "shipping.country");
  if ((c == "US" || c == "CA") && blank(a.region))
    return make_error(error_code::validation, "State is required for addresses in " + c, "shipping.region");
  if (a.region.size() > max_text)
    return make_error(error_code::validation, "State is longer than 200 characters", "shipping.region");
  return std::nullopt;
}

}  // namespace

bool is_plausible_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const auto domain_part = email.substr(at + 1);
  const auto dot = domain_part.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain_part.back() == '.') return false;
  for (char c : email)
    if (static_cast<unsigned char>(c) <= ' ' || c == ',' || c == '<' || c == '>') return false;
  return true;
}

result<priced_checkout> price_checkout(const catalog& products, const std::vector<payment_method>& methods,
                                       const shipping_policy& shipping, const checkout_input& input) {
  if (input.items.empty()) return make_error(error_code::validation, "The order has no items", "items");
  if (input.items.size() > max_lines)
    return make_error(error_code::validation, "An order holds at most 50 different items", "items");
  priced_checkout out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < input.items.size(); ++i) {
    const auto& item = input.items[i];
    const product* p = products.find(item.sku);
    if (!p) return make_error(error_code::validation, "Unknown product '" + item.sku + "'", item_field(i, "sku"));
    if (!seen.insert(item.sku).second)
      return make_error(error_code::validation, "'" + item.sku + "' is listed twice", item_field(i, "sku"));
    if (item.quantity < 1 || item.quantity > max_quantity)
      return make_error(error_code::validation, "Quantity must be between 1 and 99", item_field(i, "quantity"));
    if (!p->in_stock()) return make_error(error_code::out_of_stock, p->name + " is out of stock", item_field(i, "sku"));
    const quantity q{static_cast<int>(item.quantity)};
    out.lines.push_back(order_line{p->id, p->name, q, p->price, p->price * q});
    out.subtotal = out.subtotal + p->price * q;
  }
  if (auto e = required_text(input.customer.name, "customer.name", "Name")) return *e;
  if (!is_plausible_email(input.customer.email))
    return make_error(error_code::validation, "Email must be an address like ada@example.com", "customer.email");
  if (auto e = validate_address(input.shipping)) return *e;
  out.method = find_method(methods, input.payment_method);
  if (!out.method)
    return make_error(error_code::validation, "Unknown payment method '" + input.payment_method + "'",
                      "payment_method");
  out.shipping = out.subtotal >= shipping.free_from ? cents{0} : shipping.flat;
  out.total = out.subtotal + out.shipping;
  return out;
}

}  // namespace domain
