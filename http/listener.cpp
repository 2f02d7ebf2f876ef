#include "http/listener.hpp"

#include <chrono>
#include <future>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

namespace http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string describe(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

[[noreturn]] void refuse(const std::string& host, int port, const std::string& why) {
  throw bind_error("cannot listen on " + describe(host, port) + ": " + why);
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

tcp::endpoint resolve(net::io_context& ioc, const std::string& host, int port) {
  if (port < 0 || port > 65535) refuse(host, port, "port out of range 0..65535");
  boost::system::error_code ec;
  auto address = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (!ec) return {address, static_cast<unsigned short>(port)};
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec) refuse(host, port, lower(ec.message()));
  if (results.empty()) refuse(host, port, "host not found");
  return results.begin()->endpoint();
}

}  // namespace

listener::listener(net::io_context& ioc, std::shared_ptr<session_context> ctx)
    : ioc_(ioc), ctx_(std::move(ctx)), acceptor_(net::make_strand(ioc)), backoff_(acceptor_.get_executor()) {
  const auto& host = ctx_->options.host;
  const int port = ctx_->options.port;
  auto endpoint = resolve(ioc, host, port);
  boost::system::error_code ec;
  auto check = [&] {
    if (ec) refuse(host, port, lower(ec.message()));
  };
  acceptor_.open(endpoint.protocol(), ec);
  check();
  // Lets a restarted engine bind while old connections sit in TIME_WAIT; Linux still
  // refuses a port another socket is listening on.
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  check();
  acceptor_.bind(endpoint, ec);
  check();
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  check();
  port_ = acceptor_.local_endpoint(ec).port();
  check();
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  net::post(acceptor_.get_executor(), [self = shared_from_this(), closed] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
    closed->set_value();
  });
  if (done.wait_for(std::chrono::seconds{5}) != std::future_status::ready) {
    spdlog::error("http listener did not close within 5 s");
  }
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open() || ctx_->stopping) return;  // shutting down; the socket closes with us
  if (ec) {
    fail(ec, "accept");
    backoff_.expires_after(std::chrono::milliseconds{100});
    backoff_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  // Over the server's or this client's share of connections: closed at once,
  // before a byte is read or a session allocated.
  std::string peer = peer_address(socket);
  std::string client = client_key(peer);
  if (!ctx_->admit(client, domain::in_any(ctx_->options.trusted_proxies, peer))) {
    boost::system::error_code close_ec;
    socket.close(close_ec);
    spdlog::debug("http: connection from {} refused: over max_connections or max_connections_per_ip", client);
    return do_accept();
  }
  boost::system::error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);  // small answers must not wait for Nagle
  start_session(std::move(socket), ctx_, std::move(peer), std::move(client));
  do_accept();
}

}  // namespace http
