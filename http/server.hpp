#pragma once

// The HTTP/1.1 server: a listener and one session per connection on a pool of io
// threads. Beast stays in the .cpp files.

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/ip_network.hpp"
#include "http/message.hpp"

namespace http {

struct server_options {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0 picks a free port, see server::port()
  int threads = 2;                  // io threads
  std::size_t body_limit = 65536;   // bytes; larger bodies get 413 payload_too_large
  std::size_t header_limit = 8192;  // bytes; larger headers get 431 headers_too_large
  // Runs once a request's headers are in, before anything else is granted:
  // a request it answers gets neither its body read, nor the bulk limit, nor
  // the long timeout, nor a 100 Continue. Empty: every request passes.
  header_screen screen_headers;
  // Bulk uploads (the wallet CSV import: 100,000 rows are ~11 MB) get a larger
  // body and more time to be handled, on these exact paths only (once past
  // screen_headers).
  std::vector<std::string> bulk_paths{"/admin/api/payments/import"};
  std::size_t bulk_body_limit = 32u << 20;
  std::chrono::milliseconds bulk_request_timeout{300000};
  std::chrono::milliseconds read_timeout{10000};        // to read one whole request (and to write its answer)
  std::chrono::milliseconds idle_timeout{60000};  // idle time allowed between requests
  std::chrono::milliseconds request_timeout{10000};     // for the handler to answer; then 503 unavailable
  std::size_t max_connections = 10000;       // open at once; a new one beyond is closed at once
  std::size_t max_connections_per_ip = 64;   // per client (IPv6: per /64); 0 = no per-client cap
  std::size_t max_in_flight = 2048;          // requests being handled at once; beyond: 503 + Retry-After; 0 = no bound
  int rate_limit = 0;                                   // requests per second per client IP, 0 = off
  int rate_burst = 0;                                   // 0 = 2 x rate_limit
  // The shop's own reverse proxies (HAProxy, nginx). A request whose peer is one
  // of them has its client (request::remote_address, the rate-limit key) taken
  // from X-Forwarded-For: the rightmost entry that is not itself one of them.
  // Their connections are not capped per address (every peer is the proxy).
  std::vector<domain::ip_network> trusted_proxies;
  // HTTPS: the certificate chain (PEM, leaf first) and its private key (PEM, not
  // encrypted). Both set: TLS 1.3 only, the handshake before the first read,
  // and Strict-Transport-Security on every answer. Both empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
};

/// The server could not bind or listen; what() says where and why, e.g.
/// "cannot listen on 127.0.0.1:8080: address already in use".
class bind_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The TLS files cannot serve: one of the two is missing or unreadable, is not
/// PEM, the key is encrypted or is not the certificate's. what() names the file
/// and the reason, e.g. "the private key '/etc/x.key' does not belong to the
/// certificate '/etc/x.pem'".
class tls_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Loads `cert` and `key` as start() will and throws tls_error when they cannot
/// serve, so that a program can refuse them before it starts anything else.
/// Both empty (plain HTTP): nothing to check.
void check_tls_files(const std::string& cert, const std::string& key);

class server {
 public:
  server(server_options options, handler on_request);
  ~server();  // shutdown with no grace if still running

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Loads the TLS files (when set), binds, listens and starts the io threads;
  /// returns at once. Throws tls_error or bind_error.
  void start();

  /// The bound port (the real one when options.port was 0); 0 before start().
  int port() const;

  /// Stops accepting now, closes idle connections, lets requests in flight finish
  /// and their responses be written for up to `grace`, then stops the io threads.
  /// Responders called afterwards do nothing. Idempotent; not from an io thread.
  void shutdown(std::chrono::milliseconds grace);

  /// Requests handed to the handler whose response is not yet written.
  std::size_t in_flight() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace http
