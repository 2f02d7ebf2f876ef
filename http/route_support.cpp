#include <openssl/crypto.h>

#include <algorithm>
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

std::optional<response> admin_refusal(const api_options& options, const request& req) {
  const std::string token = bearer_token(req);
  const auto& expected = options.admin_token;
  if (!expected.empty() && token.size() == expected.size() &&
      CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0)
    return std::nullopt;
  auto res = problem(problem_type::unauthorized, "send the admin token as Authorization: Bearer <token>");
  res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"admin\"");
  return res;
}

app::callback<domain::order> reply_with_order(responder respond) {
  return [respond](domain::result<domain::order> r) {
    respond(r ? json_response(200, domain::customer_view(r.value())) : error_response(r.error()));
  };
}

}  // namespace http
