#pragma once

// One webhook delivery attempt over HTTP(S): a POST with the given headers,
// no redirect followed, no proxy, a timeout, and only the first bytes of the
// answer read. Every address curl is about to connect to (after resolving a
// name, so a name pointing at 127.0.0.1 is caught) is first shown to
// `may_connect`; a refused one ends the attempt. Blocking: call it from a
// detached thread.

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace net {

struct webhook_request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  /// The numeric address (IPv4 or IPv6) curl is about to connect to.
  std::function<bool(const std::string& address)> may_connect;
};

struct webhook_answer {
  int status = 0;     // the HTTP status; 0 when none came
  std::string error;  // why there is no 2xx, for the failed list; "" on success
};

webhook_answer post_webhook(const webhook_request& request);

}  // namespace net
