#pragma once

// A small blocking HTTP client for the server tests. Every operation runs on the
// client's own io_context with a deadline, so a server that never answers fails
// the test instead of hanging it.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace http_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bh = boost::beast::http;
using tcp = net::ip::tcp;
using reply = bh::response<bh::string_body>;

inline constexpr auto io_timeout = std::chrono::seconds{5};

class client {
 public:
  /// `from`: the local address to connect from; any of 127.0.0.0/8 is a
  /// different client to the server.
  explicit client(int port, const std::string& from = "127.0.0.1") : socket_(ioc_) {
    socket_.open(tcp::v4());
    socket_.bind({net::ip::make_address(from), 0});
    auto ec = run([&](auto done) {
      socket_.async_connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, done);
    });
    if (ec) throw std::runtime_error("connect: " + ec.message());
  }

  /// Connects and closes at once: no error when the server accepts.
  static boost::system::error_code try_connect(int port) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    boost::system::error_code result = net::error::make_error_code(net::error::timed_out);
    socket.async_connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)},
                         [&](boost::system::error_code ec) { result = ec; });
    ioc.run_for(io_timeout);
    return result;
  }

  boost::system::error_code send_raw(const std::string& bytes) {
    return run([&](auto done) { net::async_write(socket_, net::buffer(bytes), done); });
  }

  boost::system::error_code send(bh::verb method, const std::string& target, std::string body = {},
                                 std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
    bh::request<bh::string_body> req{method, target, 11};
    req.set(bh::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    return run([&](auto done) { bh::async_write(socket_, req, done); });
  }

  /// One response; nullopt (with the reason in `error`) when none arrives.
  std::optional<reply> read(bool head = false, boost::system::error_code* error = nullptr) {
    bh::response_parser<bh::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    parser.skip(head);  // a HEAD answer announces a length but carries no body
    auto ec = run([&](auto done) { bh::async_read(socket_, buffer_, parser, done); });
    if (error) *error = ec;
    if (ec) return std::nullopt;
    return parser.release();
  }

  reply request(bh::verb method, const std::string& target, std::string body = {},
                std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
    if (auto ec = send(method, target, std::move(body), headers)) throw std::runtime_error("send: " + ec.message());
    boost::system::error_code ec;
    auto res = read(method == bh::verb::head, &ec);
    if (!res) throw std::runtime_error("read: " + ec.message());
    return std::move(*res);
  }

  reply get(const std::string& target) { return request(bh::verb::get, target); }

  void close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  /// True when the server closes the connection (EOF or reset) before the deadline.
  bool closed_by_server() {
    char byte;
    auto ec = run([&](auto done) { socket_.async_read_some(net::buffer(&byte, 1), done); });
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
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
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      ioc_.restart();
      ioc_.run();
      return net::error::make_error_code(net::error::timed_out);
    }
    return result;
  }

  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

}  // namespace http_test
