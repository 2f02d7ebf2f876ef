#pragma once

// application/problem+json (RFC 9457) and plain JSON responses. Every error
// the engine answers is one of problem_type: a stable `type` string, one HTTP
// status and one title per type; the detail says what happened this time.

#include <string>

#include <nlohmann/json.hpp>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace http {

enum class problem_type {
  // Refusals of the domain (domain::error_code), one for one.
  validation,            // 422, `field` names the input
  out_of_stock,          // 422
  not_found,             // 404
  invalid_transition,    // 409
  quote_expired,         // 409
  idempotency_conflict,  // 422
  conflict,              // 409
  duplicate_payment,     // 409
  money_owed,            // 409
  unavailable,           // 503
  internal,              // 500
  invalid_credentials,   // 401
  // The HTTP layer's own.
  bad_request,             // 400: the request itself cannot be parsed
  malformed_json,          // 400
  unauthorized,            // 401
  forbidden,               // 403: not from an address allowed to reach this
  csrf_token_required,     // 403: a write with a session cookie but without its X-CSRF-Token
  method_not_allowed,      // 405
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  rate_limited,            // 429
  headers_too_large,       // 431
};

const char* to_string(problem_type type) noexcept;  // the stable `type` member
int status_of(problem_type type) noexcept;
const char* title_of(problem_type type) noexcept;
problem_type problem_of(domain::error_code code) noexcept;

/// {"type","title","status","detail", ...extra}. Members of `extra` (an object)
/// are added beside the four but never replace them.
response problem(problem_type type, std::string detail, nlohmann::json extra = {});

/// A domain refusal, with its `field` when it names one.
response error_response(const domain::domain_error& error);

response json_response(int status, const nlohmann::json& body);
/// A body already rendered as JSON text.
response json_response(int status, std::string body);

}  // namespace http
