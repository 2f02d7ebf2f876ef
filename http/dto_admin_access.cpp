// Request DTOs of the back office's door: sign-in, API keys, the audit log.

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "http/dto.hpp"

namespace http::dto {
namespace {

using domain::error_code;
using domain::make_error;
using nlohmann::json;

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
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return make_error(error_code::validation, std::string{name} + " must not hold control characters", name);
  return text;
}

/// A positive integer query parameter within [1, max], absent -> fallback.
domain::result<std::int64_t> integer_param(const query_params& query, const char* name, std::int64_t fallback,
                                           std::int64_t max) {
  auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(it->second.c_str(), &end, 10);
  if (*end != '\0' || n < 1 || n > max)
    return make_error(error_code::validation, std::string{name} + " must be 1.." + std::to_string(max), name);
  return static_cast<std::int64_t>(n);
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
