#include "http/problem.hpp"

namespace http {

namespace {

// Details may echo client input; invalid UTF-8 there must not turn an error
// response into an exception.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct problem_info {
  const char* type;
  int status;
  const char* title;
};

problem_info info(problem_type type) noexcept {
  switch (type) {
    case problem_type::validation:
      return {"validation", 422, "The request is not valid"};
    case problem_type::out_of_stock:
      return {"out_of_stock", 422, "An item is out of stock"};
    case problem_type::not_found:
      return {"not_found", 404, "Not found"};
    case problem_type::invalid_transition:
      return {"invalid_transition", 409, "The order's status does not allow this"};
    case problem_type::quote_expired:
      return {"quote_expired", 409, "The payment quote has expired"};
    case problem_type::idempotency_conflict:
      return {"idempotency_conflict", 422, "Idempotency-Key reused with a different request"};
    case problem_type::conflict:
      return {"conflict", 409, "Concurrent change, retry"};
    case problem_type::duplicate_payment:
      return {"duplicate_payment", 409, "The transaction was counted already"};
    case problem_type::money_owed:
      return {"money_owed", 409, "Money is still owed on this order"};
    case problem_type::unavailable:
      return {"unavailable", 503, "Temporarily unavailable"};
    case problem_type::internal:
      return {"internal", 500, "Internal error"};
    case problem_type::invalid_credentials:
      return {"invalid_credentials", 401, "The email, password or code is not right"};
    case problem_type::bad_request:
      return {"bad_request", 400, "Bad request"};
    case problem_type::malformed_json:
      return {"malformed_json", 400, "The body is not valid JSON"};
    case problem_type::unauthorized:
      return {"unauthorized", 401, "Admin credentials required"};
    case problem_type::forbidden:
      return {"forbidden", 403, "Not allowed from this address"};
    case problem_type::csrf_token_required:
      return {"csrf_token_required", 403, "The session's CSRF token is required"};
    case problem_type::method_not_allowed:
      return {"method_not_allowed", 405, "Method not allowed"};
    case problem_type::payload_too_large:
      return {"payload_too_large", 413, "Payload too large"};
    case problem_type::unsupported_media_type:
      return {"unsupported_media_type", 415, "Unsupported media type"};
    case problem_type::rate_limited:
      return {"rate_limited", 429, "Too many requests"};
    case problem_type::headers_too_large:
      return {"headers_too_large", 431, "Request header fields too large"};
  }
  return {"internal", 500, "Internal error"};
}

}  // namespace

const char* to_string(problem_type type) noexcept {
  return info(type).type;
}

int status_of(problem_type type) noexcept {
  return info(type).status;
}

const char* title_of(problem_type type) noexcept {
  return info(type).title;
}

problem_type problem_of(domain::error_code code) noexcept {
  switch (code) {
    case domain::error_code::validation:
      return problem_type::validation;
    case domain::error_code::out_of_stock:
      return problem_type::out_of_stock;
    case domain::error_code::not_found:
      return problem_type::not_found;
    case domain::error_code::invalid_transition:
      return problem_type::invalid_transition;
    case domain::error_code::quote_expired:
      return problem_type::quote_expired;
    case domain::error_code::idempotency_conflict:
      return problem_type::idempotency_conflict;
    case domain::error_code::conflict:
      return problem_type::conflict;
    case domain::error_code::duplicate_payment:
      return problem_type::duplicate_payment;
    case domain::error_code::money_owed:
      return problem_type::money_owed;
    case domain::error_code::unavailable:
      return problem_type::unavailable;
    case domain::error_code::internal:
      return problem_type::internal;
    case domain::error_code::invalid_credentials:
      return problem_type::invalid_credentials;
  }
  return problem_type::internal;
}

response problem(problem_type type, std::string detail, nlohmann::json extra) {
  const auto i = info(type);
  nlohmann::json body = nlohmann::json::object();
  body["type"] = i.type;
  body["title"] = i.title;
  body["status"] = i.status;
  body["detail"] = std::move(detail);
  if (extra.is_object()) {
    for (auto& [key, value] : extra.items()) body.emplace(key, std::move(value));
  }
  response res;
  res.status = i.status;
  res.content_type = "application/problem+json";
  res.body = dump(body);
  return res;
}

response error_response(const domain::domain_error& error) {
  nlohmann::json extra = nlohmann::json::object();
  if (!error.field.empty()) extra["field"] = error.field;
  return problem(problem_of(error.code), error.detail, std::move(extra));
}

response json_response(int status, const nlohmann::json& body) {
  return json_response(status, dump(body));
}

response json_response(int status, std::string body) {
  response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

}  // namespace http
