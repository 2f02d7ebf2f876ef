// What the sessions of one server share: the connection places, the counts
// shutdown waits for, the registry it stops them through, and the one place
// their failures are logged.

#include "http/session.hpp"

#include <vector>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <spdlog/spdlog.h>

namespace http {

namespace beast = boost::beast;
namespace bh = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == bh::make_error_code(bh::error::bad_target).category();
}

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  auto address = endpoint.address();
  // Behind a dual-stack listener IPv4 peers appear as ::ffff:a.b.c.d; one client,
  // one rate-limit bucket, one spelling.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

void fail(boost::system::error_code ec, const char* what) {
  // Clients going away or speaking nonsense are their problem, not a server failure;
  // so is a client that cannot or will not speak TLS 1.3 (plain HTTP, TLS 1.2,
  // a certificate it does not trust) or leaves without a close_notify.
  if (is_parse_error(ec) || ec == net::error::operation_aborted || ec == beast::error::timeout ||
      ec == bh::error::end_of_stream || ec == bh::error::partial_message || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::not_connected ||
      ec.category() == net::error::get_ssl_category() || ec.category() == net::ssl::error::get_stream_category()) {
    spdlog::debug("http {}: {}", what, ec.message());
    return;
  }
  spdlog::warn("http {}: {}", what, ec.message());
}

session_context::session_context(server_options opts, handler fn)
    : options(std::move(opts)), on_request(std::move(fn)), limiter(options.rate_limit, options.rate_burst) {}

bool session_context::admit(const std::string& client, bool from_trusted_proxy) {
  std::lock_guard lock(admission_mutex);
  if (admitted >= options.max_connections) return false;
  const bool per_client = !from_trusted_proxy && options.max_connections_per_ip > 0;
  auto& mine = admitted_per_client[client];
  if (per_client && mine >= options.max_connections_per_ip) {
    if (mine == 0) admitted_per_client.erase(client);
    return false;
  }
  ++mine;
  ++admitted;
  return true;
}

void session_context::release(const std::string& client) {
  std::lock_guard lock(admission_mutex);
  --admitted;
  auto it = admitted_per_client.find(client);
  if (it != admitted_per_client.end() && --it->second == 0) admitted_per_client.erase(it);
}

void session_context::count_down(std::atomic<std::size_t>& counter) {
  counter.fetch_sub(1);
  if (stopping) {
    std::lock_guard lock(quiet_mutex);
    quiet.notify_all();
  }
}

void stop_sessions(session_context& ctx) {
  std::vector<std::shared_ptr<session_base>> live;
  {
    std::lock_guard lock(ctx.sessions_mutex);
    live.reserve(ctx.sessions.size());
    for (auto& entry : ctx.sessions) {
      if (auto session = entry.second.lock()) live.push_back(std::move(session));
    }
  }
  // Released outside the lock: a last reference runs the destructor, which takes it.
  for (auto& session : live) session->stop();
}

}  // namespace http
