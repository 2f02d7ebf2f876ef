#include "http/problem.hpp"

namespace http {

namespace {

// Details may echo client input; invalid UTF-8 there must not turn an error
// response into an exception.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

response problem(int status, std::string type, std::string title, std::string detail, nlohmann::json extra) {
  nlohmann::json body = nlohmann::json::object();
  body["type"] = std::move(type);
  body["title"] = std::move(title);
  body["status"] = status;
  body["detail"] = std::move(detail);
  if (extra.is_object()) {
    for (auto& [key, value] : extra.items()) body.emplace(key, std::move(value));
  }
  response res;
  res.status = status;
  res.content_type = "application/problem+json";
  res.body = dump(body);
  return res;
}

response json_response(int status, const nlohmann::json& body) {
  response res;
  res.status = status;
  res.body = dump(body);
  return res;
}

}  // namespace http
