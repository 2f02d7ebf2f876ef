#include <algorithm>
#include <cctype>

#include "domain/order_json.hpp"
#include "http/routes.hpp"

namespace http {

std::optional<nlohmann::json> parse_body(const request& req, const responder& respond) {
  if (req.body.empty()) return nlohmann::json(nullptr);
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

app::callback<domain::order> reply_with_order(responder respond) {
  return [respond](domain::result<domain::order> r) {
    respond(r ? json_response(200, domain::customer_view(r.value())) : error_response(r.error()));
  };
}

}  // namespace http
