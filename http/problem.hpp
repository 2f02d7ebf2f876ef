#pragma once

// application/problem+json (RFC 9457) and plain JSON responses.

#include <string>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace http {

/// {"type","title","status","detail", ...extra}. `type` is the short stable kind from
/// API.md (`validation`, `not_found`, ...); members of `extra` (an object) are added
/// beside them but never replace the four.
response problem(int status, std::string type, std::string title, std::string detail, nlohmann::json extra = {});

response json_response(int status, const nlohmann::json& body);

}  // namespace http
