#pragma once

// Internal to http/ (included by server.cpp, listener.cpp and session.cpp only):
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

#include "http/message.hpp"
#include "http/rate_limiter.hpp"
#include "http/server.hpp"

namespace http {

class http_session;

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
  std::unordered_map<const http_session*, std::weak_ptr<http_session>> sessions;
};

/// Takes over an accepted connection from `peer` (its address), admitted as
/// `client` (see admit()).
void start_session(boost::asio::ip::tcp::socket socket, std::shared_ptr<session_context> ctx, std::string peer,
                   std::string client);

/// The peer address of an accepted socket, "" when it is already gone.
std::string peer_address(const boost::asio::ip::tcp::socket& socket);

/// Asks every session to close once its current exchange is done (at once when idle).
void stop_sessions(session_context& ctx);

/// The one place network failures are logged: expected ones (peer gone, timeouts,
/// shutdown, malformed requests) at debug, anything else as a warning.
void fail(boost::system::error_code ec, const char* what);

}  // namespace http
