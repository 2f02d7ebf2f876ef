#pragma once

// A blocking JSON-RPC 2.0 client over HTTP POST <base_url><path>: /json_rpc for
// monerod and monero-wallet-rpc, the URL itself (path "") for an Ethereum node.
// libcurl stays in the .cpp.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace chains {

/// Where an RPC server listens and how long to wait for it.
struct rpc_endpoint {
  rpc_endpoint() = default;
  explicit rpc_endpoint(std::string base_url, std::string user = {}, std::string password = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds{5})
      : base_url(std::move(base_url)), user(std::move(user)), password(std::move(password)), timeout(timeout) {}

  std::string base_url;                             ///< "http://127.0.0.1:18083", without "/json_rpc"
  std::string user, password;                       ///< HTTP digest (--rpc-login); none when user is empty
  std::chrono::milliseconds timeout{5000};          ///< a whole call: connect, send, wait, read
  std::chrono::milliseconds connect_timeout{2000};  ///< the TCP connect alone, capped by `timeout`
  std::string path = "/json_rpc";                   ///< appended to base_url; "" posts to base_url itself
  /// How errors name the server; empty: base_url without its credentials. A
  /// provider's URL holds its API key in the path, which must not reach a log.
  std::string shown_as;
};

/// A call that did not return a result. what() names the method, the server and the cause.
class rpc_error : public std::runtime_error {
 public:
  enum class kind {
    transport,    ///< no connection, a timeout, a dropped connection
    http_status,  ///< the server answered with a status other than 200 (401: wrong login)
    rpc,          ///< the server answered with a JSON-RPC error object
    bad_reply,    ///< 200, but not the JSON we expected
  };

  rpc_error(kind k, const std::string& message, long http_status = 0, int rpc_code = 0)
      : std::runtime_error(message), kind_(k), http_status_(http_status), rpc_code_(rpc_code) {}

  kind what_kind() const noexcept { return kind_; }
  /// The HTTP status when there was a reply, else 0.
  long http_status() const noexcept { return http_status_; }
  /// The JSON-RPC error code for kind::rpc (monero-wallet-rpc: -13 no wallet open, -29 watch-only...).
  int rpc_code() const noexcept { return rpc_code_; }

 private:
  kind kind_;
  long http_status_;
  int rpc_code_;
};

/// One connection (kept alive between calls), used by one call at a time: concurrent
/// calls from several threads wait for each other, as monero-wallet-rpc would make
/// them anyway (its RPC server runs one thread).
class json_rpc_client {
 public:
  explicit json_rpc_client(rpc_endpoint endpoint);
  ~json_rpc_client();
  json_rpc_client(json_rpc_client&&) noexcept;
  json_rpc_client& operator=(json_rpc_client&&) noexcept;
  json_rpc_client(const json_rpc_client&) = delete;
  json_rpc_client& operator=(const json_rpc_client&) = delete;

  /// The "result" member of the reply, or throws rpc_error. `timeout` replaces the
  /// endpoint's for this call (a wallet's refresh after a week offline takes minutes).
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  const rpc_endpoint& endpoint() const noexcept { return endpoint_; }

 private:
  struct connection;
  rpc_endpoint endpoint_;
  std::unique_ptr<connection> connection_;
};

}  // namespace chains
