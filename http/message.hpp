#pragma once

// The HTTP request and response as the rest of the engine sees them: plain std
// types, so that nothing outside http/ needs Beast.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

/// Who the header screen found a request to come from. Empty on routes that
/// take no credential and for requests that carry none.
struct caller {
  std::string name;        // an admin's email, an API key's name, or "operator" (admin.token)
  std::string credential;  // "session", "api_key" or "token"; "" when not authenticated
  std::string session_id;  // the admin session it came with, "" otherwise

  bool authenticated() const { return !credential.empty(); }
};

struct request {
  std::string method;                          // as sent, e.g. "GET"
  std::string target;                          // raw request target, e.g. "/api/orders/7?token=x"
  std::string path;                            // percent-decoded path without the query
  std::map<std::string, std::string> query;    // percent-decoded; the first of repeated keys wins
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by ", "
  std::string body;
  std::string remote_address;  // peer IP address of the connection
  caller who;                  // set by the header screen

  /// The header's value, "" if absent. `name` in any case.
  std::string header(std::string_view name) const;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. Content-Length is computed by the server; a "Content-Length"
  // given here is only used to answer HEAD requests whose body is left empty.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Call exactly once, from any thread; later calls are ignored. If it is not called
/// within server_options::request_timeout the server answers 503 `unavailable` itself.
using responder = std::function<void(response)>;

/// Called on an io thread: must not block.
using handler = std::function<void(request, responder)>;

/// What a header screen decided: a refusal is the answer (the body is never
/// read); otherwise the request goes on as `who`.
struct screen_verdict {
  std::optional<response> refusal;
  caller who;
};
using screen_done = std::function<void(screen_verdict)>;

/// Looks at a request whose headers are in but whose body is not read yet
/// (request::body is empty) and calls `done` exactly once, at once or later
/// from any thread (an admin credential is looked up in the database). Called
/// on an io thread: must not block; `head` is valid only during the call.
using header_screen = std::function<void(const request& head, screen_done done)>;

/// The path and decoded query of a request target. nullopt when the target is not an
/// origin-form (or absolute-form) target or its percent-encoding is malformed.
struct parsed_target {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<parsed_target> parse_target(std::string_view target);

/// Decodes %XX escapes; `plus_is_space` for query components. nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace http
