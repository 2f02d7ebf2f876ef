#include "http/server.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "http/listener.hpp"
#include "http/session.hpp"
#include "http/tls.hpp"

namespace http {

namespace net = boost::asio;

struct server::impl {
  impl(server_options options, handler on_request)
      : threads_wanted(std::max(1, options.threads)),
        ctx(std::make_shared<session_context>(std::move(options), std::move(on_request))),
        ioc(threads_wanted) {}

  void run_io() {
    // Sessions catch what handlers throw; this is the last line for anything else.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http io thread: {}", e.what());
      } catch (...) {
        spdlog::error("http io thread: unknown exception");
      }
    }
  }

  const int threads_wanted;
  // Order matters: the io_context dies before the context its sessions point to,
  // and the listener pointer is dropped before the io_context.
  std::shared_ptr<session_context> ctx;
  net::io_context ioc;
  std::shared_ptr<listener> acceptor;
  std::vector<std::thread> threads;
  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
  int port = 0;
};

server::server(server_options options, handler on_request)
    : impl_(std::make_unique<impl>(std::move(options), std::move(on_request))) {}

server::~server() {
  shutdown(std::chrono::milliseconds{0});
}

void server::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->started) throw std::logic_error("http::server::start called twice");
  // Before any session exists: they read it without a lock.
  const auto& options = impl_->ctx->options;
  if (!options.tls_cert.empty() || !options.tls_key.empty())
    impl_->ctx->tls = make_tls_context(options.tls_cert, options.tls_key);
  impl_->acceptor = std::make_shared<listener>(impl_->ioc, impl_->ctx);
  impl_->port = impl_->acceptor->port();
  impl_->acceptor->run();
  impl_->started = true;
  impl_->threads.reserve(static_cast<std::size_t>(impl_->threads_wanted));
  for (int i = 0; i < impl_->threads_wanted; ++i) {
    impl_->threads.emplace_back([this] { impl_->run_io(); });
  }
}

int server::port() const {
  return impl_->port;
}

std::size_t server::in_flight() const {
  return impl_->ctx->in_flight.load();
}

void server::shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  auto& ctx = *impl_->ctx;
  const auto deadline = std::chrono::steady_clock::now() + grace;

  ctx.stopping = true;
  impl_->acceptor->stop();
  stop_sessions(ctx);
  {
    std::unique_lock wait_lock(ctx.quiet_mutex);
    bool quiet = ctx.quiet.wait_until(wait_lock, deadline, [&] { return ctx.in_flight == 0 && ctx.connections == 0; });
    // With no grace (the destructor) cutting answers short is what was asked for.
    if (!quiet && ctx.in_flight > 0 && grace.count() > 0) {
      spdlog::warn("http shutdown: {} requests still unanswered after {} ms", ctx.in_flight.load(), grace.count());
    }
  }
  {
    std::unique_lock gate_lock(ctx.gate->mutex);
    ctx.gate->open = false;
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace http
