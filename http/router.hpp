#pragma once

// Pure routing: from (method, decoded path) to a handler and its named segments.
// Patterns are literal segments and `{name}` segments; a trailing slash and empty
// segments are ignored. Among patterns matching a path, the one whose first
// differing segment is literal wins ("/orders/search" over "/orders/{id}").

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace http {

class route_params {
 public:
  /// The segment bound to `{name}`, "" if the pattern has no such name.
  std::string_view get(std::string_view name) const;
  bool contains(std::string_view name) const;
  std::size_t size() const { return values_.size(); }

  void add(std::string name, std::string value);

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

using route_handler = std::function<void(request, route_params, responder)>;

struct route_match {
  enum class outcome { found, not_found, method_not_allowed };

  outcome result = outcome::not_found;
  const route_handler* handler = nullptr;  // set when found; owned by the router
  route_params params;
  std::string pattern;  // set when found: the route's pattern, "/api/orders/{id}"
  std::string allow;    // for method_not_allowed: "GET, HEAD, POST"

  explicit operator bool() const { return result == outcome::found; }
};

class router {
 public:
  /// `pattern` like "/api/orders/{id}/cancel". Register everything before serving:
  /// match() and dispatch() are then safe to call from many threads.
  void add(std::string method, std::string_view pattern, route_handler fn);

  /// HEAD falls back to the GET route when no HEAD route exists.
  route_match match(std::string_view method, std::string_view path) const;

  /// match + call; answers 404 `not_found` or 405 `method_not_allowed` (with Allow).
  void dispatch(request req, responder respond) const;
  /// The same with a match() already made for this request (no second lookup).
  void dispatch(route_match match, request req, responder respond) const;

 private:
  struct segment {
    std::string text;
    bool is_param;
  };
  struct route {
    std::string method;
    std::string pattern;
    std::vector<segment> segments;
    std::uint64_t literal_mask;  // bit per segment, first segment highest: 1 = literal
    route_handler fn;
  };

  std::vector<route> routes_;
};

}  // namespace http
