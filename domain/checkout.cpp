#include "domain/checkout.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "domain/text.hpp"

namespace domain {
namespace {

constexpr std::size_t max_text = 200;

std::string item_field(std::size_t i, const char* name) {
  return "items[" + std::to_string(i) + "]." + name;
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Names and addresses reach emails, the dashboard and packing slips, where a mail
// client may turn "evil.com" into a link the shop seems to send: refused.
std::optional<domain_error> no_web_address(const std::string& value, const char* field, const char* label) {
  if (contains_web_address(value))
    return make_error(error_code::validation, std::string{label} + " must not contain a web address", field);
  return std::nullopt;
}

// A name or an address line is one line: it is written into mail headers (To,
// Subject) and onto labels, where a line break would start something else.
std::optional<domain_error> one_line(const std::string& value, const char* field, const char* label) {
  if (has_control_character(value, line_breaks::refused))
    return make_error(error_code::validation, std::string{label} + " must be one line without control characters",
                      field);
  return std::nullopt;
}

std::optional<domain_error> required_text(const std::string& value, const char* field, const char* label) {
  if (blank(value)) return make_error(error_code::validation, std::string{label} + " is required", field);
  if (value.size() > max_text)
    return make_error(error_code::validation, std::string{label} + " is longer than 200 characters", field);
  if (auto e = one_line(value, field, label)) return e;
  return no_web_address(value, field, label);
}

std::optional<domain_error> validate_address(const shipping_address& a) {
  if (auto e = required_text(a.line1, "shipping.line1", "Address line 1")) return e;
  if (a.line2.size() > max_text)
    return make_error(error_code::validation, "Address line 2 is longer than 200 characters", "shipping.line2");
  if (auto e = one_line(a.line2, "shipping.line2", "Address line 2")) return e;
  if (auto e = no_web_address(a.line2, "shipping.line2", "Address line 2")) return e;
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
  if (auto e = one_line(a.region, "shipping.region", "State")) return e;
  return no_web_address(a.region, "shipping.region", "State");
}

// ---- web addresses in customer text ---------------------------------------------

bool ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// The text as a URL parser reads it: browsers drop ASCII tab, CR and LF anywhere in
// a URL ("java<tab>script:" is "javascript:"), and schemes and host names are
// case-insensitive. Non-ASCII bytes stay as they are (they end a host name below).
std::string as_url_reader_sees_it(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\t' || c == '\r' || c == '\n') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// "http:" and the like, not inside a word, followed by something (after spaces:
// "javascript: alert(1)" still runs).
bool has_scheme(const std::string& s) {
  static constexpr std::string_view schemes[] = {"http",   "https",      "ftp",      "ftps", "sftp",
                                                 "mailto", "javascript", "vbscript", "data", "file"};
  for (std::string_view scheme : schemes) {
    for (auto at = s.find(scheme); at != std::string::npos; at = s.find(scheme, at + 1)) {
      const std::size_t colon = at + scheme.size();
      if (colon >= s.size() || s[colon] != ':') continue;
      if (at > 0 && ascii_letter(s[at - 1])) continue;  // "xhttp:" is a word, not a scheme
      const auto rest = s.find_first_not_of(" \v\f", colon + 1);
      if (rest != std::string::npos) return true;
    }
  }
  return false;
}

// Top-level domains a mail client links on sight (evil.com): the big generic ones,
// short-link and spam favourites. Country codes that are also common name parts
// or abbreviations (li, ma, de, la, ...) are left out: they need a path to count.
bool common_tld(std::string_view tld) {
  static constexpr std::string_view tlds[] = {
      "com",  "net",   "org", "info", "biz", "io", "co",  "me",    "ly",   "gd",     "to",   "cc",  "tv",   "ws",
      "pw",   "su",    "ru",  "cn",   "uk",  "eu", "xyz", "top",   "site", "online", "app",  "dev", "link", "click",
      "shop", "store", "icu", "tk",   "ml",  "cf", "gq",  "onion", "zip",  "mov",    "mobi", "vip", "win"};
  return std::find(std::begin(tlds), std::end(tlds), tld) != std::end(tlds);
}

bool host_char(char c) {
  return ascii_letter(c) || ascii_digit(c) || c == '-' || c == '.';
}

// One run of host-name characters, with the character after it (and the one after
// that): is it www.something or a domain?
bool web_token(std::string_view token, char next, char after_next) {
  while (!token.empty() && (token.front() == '.' || token.front() == '-')) token.remove_prefix(1);
  while (!token.empty() && token.back() == '.') token.remove_suffix(1);  // "evil.com." ends a sentence
  if (token.size() > 4 && token.substr(0, 4) == "www." && (ascii_letter(token[4]) || ascii_digit(token[4])))
    return true;

  std::vector<std::string_view> labels;
  for (std::size_t start = 0;;) {
    const auto dot = token.find('.', start);
    labels.push_back(token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels.size() < 2) return false;
  for (auto label : labels)
    if (label.empty()) return false;
  const std::string_view tld = labels.back();
  const std::string_view name = labels[labels.size() - 2];
  // A top-level domain is letters only, two or more: "Apt.4B", "J.R.R", "Ste.200" are not.
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), ascii_letter)) return false;

  const bool path = next == '/' || next == '?' || next == '#' || (next == ':' && ascii_digit(after_next));
  // A one-letter name is an initial ("J.Li", "T.Ly", "B.Sc/M.Sc") unless the ending
  // is unmistakable: x.com always, t.co/x and t.me/x with a path.
  if (common_tld(tld)) return name.size() >= 2 || path || tld == "com" || tld == "net" || tld == "org";
  // Any other ending counts only with a path, port, query or fragment: bit.ly/x, evil.example/free.
  return path && name.size() >= 2;
}

bool has_domain(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!host_char(s[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < s.size() && host_char(s[i])) ++i;
    const char next = i < s.size() ? s[i] : '\0';
    const char after_next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (web_token(std::string_view{s}.substr(start, i - start), next, after_next)) return true;
  }
  return false;
}

}  // namespace

bool contains_web_address(std::string_view text) {
  const std::string s = as_url_reader_sees_it(text);
  return has_scheme(s) || has_domain(s);
}

bool is_plausible_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const auto domain_part = email.substr(at + 1);
  const auto dot = domain_part.find('.');
  if (dot == 0 || dot == std::string_view::npos || domain_part.back() == '.') return false;
  for (char c : email)
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f' || c == ',' || c == '<' || c == '>') return false;
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
