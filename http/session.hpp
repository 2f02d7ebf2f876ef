#pragma once

// Internal to http/ (included by server.cpp, listener.cpp and session*.cpp only):
// what the server, its listener and its sessions share.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/message.hpp"
#include "http/rate_limiter.hpp"
#include "http/server.hpp"

namespace http {

// What shutdown needs of a session, whether it speaks plain HTTP or HTTPS.
class session_base {
 public:
  virtual ~session_base() = default;
  /// Closes once the current exchange is done (at once when idle). From any thread.
  virtual void stop() = 0;
};

// Responders may outlive the server (an actor holds one); they post to a session
// only while the gate is open, and the server closes it before its io_context dies.
struct responder_gate {
  std::shared_mutex mutex;
  bool open = true;
};

struct session_context {
  session_context(server_options opts, handler fn);

  const server_options options;
  const handler on_request;
  rate_limiter limiter;
  const std::shared_ptr<responder_gate> gate = std::make_shared<responder_gate>();
  // Set by server::start() before the first session (which only reads it):
  // sessions speak TLS over it; null for plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> connections{0};

  // shutdown() waits here for both counts to reach zero.
  std::mutex quiet_mutex;
  std::condition_variable quiet;
  void count_down(std::atomic<std::size_t>& counter);

  /// Takes a place for a new connection from `client` (a client_key) unless
  /// the server holds max_connections or that client max_connections_per_ip
  /// (not for a trusted proxy: every client comes through it). A taken
  /// place is given back with release().
  bool admit(const std::string& client, bool from_trusted_proxy);
  void release(const std::string& client);
  std::mutex admission_mutex;
  std::size_t admitted = 0;
  std::unordered_map<std::string, std::size_t> admitted_per_client;

  // Live sessions, so that shutdown can close the idle ones.
  std::mutex sessions_mutex;
  std::unordered_map<const session_base*, std::weak_ptr<session_base>> sessions;
};

/// Takes over an accepted connection from `peer` (its address), admitted as
/// `client` (see admit()): over TLS when ctx->tls is set.
void start_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<session_context> ctx, std::string peer,
                   std::string client);

/// The peer address of an accepted socket, "" when it is already gone.
std::string peer_address(const boost::asio::ip::tcp::socket& socket);

/// Asks every session to close once its current exchange is done (at once when idle).
void stop_sessions(session_context& ctx);

/// Beast could not parse the request: it is not valid HTTP/1.1.
bool is_parse_error(const boost::system::error_code& ec);

/// The one place network failures are logged: expected ones (peer gone, timeouts,
/// shutdown, malformed requests, failed TLS handshakes) at debug, anything else
/// as a warning.
void fail(boost::system::error_code ec, const char* what);

}  // namespace http
