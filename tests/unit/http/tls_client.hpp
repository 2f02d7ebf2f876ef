#pragma once

// A small blocking HTTPS client for the server tests, the TLS twin of
// test_client.hpp: it verifies the server's certificate against a CA file and
// its name (127.0.0.1), and may be held to a highest TLS version. Every
// operation has a deadline, so a server that never answers fails the test.

#include <openssl/ssl.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "unit/http/test_client.hpp"

namespace http_test {

class tls_client {
 public:
  /// Connects at once; handshake() speaks TLS. `max_version` 0: the newest
  /// OpenSSL has (TLS 1.3); TLS1_2_VERSION: what an old client offers.
  tls_client(int port, const std::string& ca_file, int max_version = 0)
      : ssl_(context_for(ca_file, max_version)), stream_(ioc_, ssl_) {
    stream_.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    auto ec = run([&](auto done) {
      beast::get_lowest_layer(stream_).async_connect(
          tcp::endpoint{net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, done);
    });
    if (ec) throw std::runtime_error("connect: " + ec.message());
  }

  boost::system::error_code handshake() {
    return run([&](auto done) { stream_.async_handshake(net::ssl::stream_base::client, done); });
  }

  /// The protocol version agreed on (TLS1_3_VERSION), 0 before the handshake.
  int version() { return SSL_version(stream_.native_handle()); }

  boost::system::error_code send(bh::request<bh::string_body> req) {
    req.set(bh::field::host, "127.0.0.1");
    req.prepare_payload();
    return run([&](auto done) { bh::async_write(stream_, req, done); });
  }

  boost::system::error_code send_raw(const std::string& bytes) {
    return run([&](auto done) { net::async_write(stream_, net::buffer(bytes), done); });
  }

  std::optional<reply> read(boost::system::error_code* error = nullptr) {
    bh::response_parser<bh::string_body> parser;
    auto ec = run([&](auto done) { bh::async_read(stream_, buffer_, parser, done); });
    if (error) *error = ec;
    if (ec) return std::nullopt;
    return parser.release();
  }

  reply get(const std::string& target, bool close = false) {
    bh::request<bh::string_body> req{bh::verb::get, target, 11};
    if (close) req.keep_alive(false);
    if (auto ec = send(std::move(req))) throw std::runtime_error("send: " + ec.message());
    boost::system::error_code ec;
    auto res = read(&ec);
    if (!res) throw std::runtime_error("read: " + ec.message());
    return std::move(*res);
  }

  /// What the next read ends with: eof when the server closed TLS cleanly (its
  /// close_notify), stream_truncated when it only dropped the connection.
  boost::system::error_code next_read_error() {
    char byte;
    return run([&](auto done) { stream_.async_read_some(net::buffer(&byte, 1), done); });
  }

 private:
  static net::ssl::context context_for(const std::string& ca_file, int max_version) {
    net::ssl::context ssl{net::ssl::context::tls_client};
    ssl.load_verify_file(ca_file);
    ssl.set_verify_mode(net::ssl::verify_peer);
    if (max_version != 0) SSL_CTX_set_max_proto_version(ssl.native_handle(), max_version);
    return ssl;
  }

  template <class Start>
  boost::system::error_code run(Start start) {
    bool finished = false;
    boost::system::error_code result;
    start([&](boost::system::error_code ec, auto&&...) {
      result = ec;
      finished = true;
    });
    ioc_.restart();
    ioc_.run_for(io_timeout);
    if (!finished) {
      beast::get_lowest_layer(stream_).cancel();
      ioc_.restart();
      ioc_.run();
      return net::error::make_error_code(net::error::timed_out);
    }
    return result;
  }

  net::io_context ioc_;
  net::ssl::context ssl_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

}  // namespace http_test
