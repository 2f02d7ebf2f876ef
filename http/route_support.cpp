#include <algorithm>
#include <chrono>
#include <cctype>

#include "domain/order_json.hpp"
#include "http/routes.hpp"

namespace http {

namespace {

/// application/json, with or without parameters (charset), in any case.
bool is_json_media_type(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "application/json";
}

}  // namespace

std::optional<nlohmann::json> parse_body(const request& req, const responder& respond) {
  if (req.body.empty()) return nlohmann::json(nullptr);
  if (!is_json_media_type(req.header("content-type"))) {
    respond(problem(problem_type::unsupported_media_type, "send the body as Content-Type: application/json"));
    return std::nullopt;
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    respond(problem(problem_type::malformed_json, "the request body could not be parsed as JSON"));
    return std::nullopt;
  }
  return body;
}

std::string bearer_token(const request& req) {
  const std::string auth = req.header("authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (auth.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), auth.begin(),
                                                [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
    return auth.substr(scheme.size());
  return {};
}

response admin_unauthorized() {
  auto res = problem(problem_type::unauthorized,
                     "sign in (POST /admin/api/session) or send an API key as Authorization: Bearer <key>");
  res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"admin\"");
  return res;
}

std::string cookie_value(const request& req, std::string_view name) {
  const std::string cookies = req.header("cookie");
  std::string_view rest = cookies;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    auto pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return {};
}

app::audit_entry audit_entry_for(const request& req, std::string action, std::string target) {
  app::audit_entry e;
  e.at = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  e.actor = req.who.name;
  e.action = std::move(action);
  e.target = std::move(target);
  e.client = req.remote_address;
  return e;
}

app::callback<domain::order> reply_with_order(responder respond) {
  return [respond](domain::result<domain::order> r) {
    respond(r ? json_response(200, domain::customer_view(r.value())) : error_response(r.error()));
  };
}

}  // namespace http
