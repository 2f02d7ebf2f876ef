#pragma once

// Internal to http/: accepts connections and hands each to a new session.

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/session.hpp"

namespace http {

class listener : public std::enable_shared_from_this<listener> {
 public:
  /// Binds and listens at once, so that start-up fails loudly: throws bind_error.
  listener(boost::asio::io_context& ioc, std::shared_ptr<session_context> ctx);

  void run();

  /// Closes the acceptor on its strand and waits for that: after this returns, new
  /// connections are refused. Not from an io thread.
  void stop();

  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  std::shared_ptr<session_context> ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;  // after accept errors such as EMFILE, instead of spinning
  unsigned short port_ = 0;
};

}  // namespace http
