#include "http/security_headers.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace http {
namespace {

// The pages load their scripts and styles from the shop's own files only; the
// payment QR code is an image of our own; nothing may frame the shop.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// An order page's URL carries its access token (?token=): never send it on.
constexpr const char* referrer_policy = "no-referrer";
constexpr const char* permissions_policy =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void add_unless_set(response& res, const char* name, const char* value) {
  for (const auto& [existing, ignored] : res.headers)
    if (equal_ignoring_case(existing, name)) return;
  res.headers.emplace_back(name, value);
}

}  // namespace

void add_security_headers(response& res) {
  add_unless_set(res, "X-Content-Type-Options", "nosniff");
  if (res.content_type.rfind("text/html", 0) != 0) return;
  add_unless_set(res, "Content-Security-Policy", content_security_policy);
  add_unless_set(res, "Referrer-Policy", referrer_policy);
  add_unless_set(res, "Permissions-Policy", permissions_policy);
}

}  // namespace http
