// order_engine: the shop's back office in one process. Reads its config,
// prepares the database, starts the supervised actors and the HTTP server, and
// on SIGTERM/SIGINT drains requests and the journal before it exits.
// `order_engine admin …` and `order_engine keys rotate` are the operator's
// commands instead (assembly/admin_command.hpp, assembly/keys_command.hpp).
//
// Exit codes: 0 clean stop, 2 bad configuration, 3 cannot serve (port taken,
// database unreachable at start-up).

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "assembly/admin_command.hpp"
#include "assembly/keys_command.hpp"
#include "assembly/receiving_accounts.hpp"
#include "assembly/running_engine.hpp"
#include "config/config.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "sealing/key_file.hpp"

namespace {

std::string config_path(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--config") == 0) return argv[i + 1];
  return "config/engine.toml";
}

/// The words after `command` (`order_engine [--config F] admin add EMAIL`,
/// `order_engine [--config F] keys rotate`), or nullopt when it is not given.
std::optional<std::vector<std::string>> command_args(int argc, char** argv, const char* command) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0) {
      ++i;
      continue;
    }
    if (std::strcmp(argv[i], command) == 0) return std::vector<std::string>(argv + i + 1, argv + argc);
  }
  return std::nullopt;
}

http::server_options server_options_from(const config::http_config& c) {
  http::server_options o;
  o.host = c.host;
  o.port = c.port;
  o.threads = c.threads;
  o.body_limit = c.body_limit;
  o.header_limit = c.header_limit;
  o.read_timeout = c.read_timeout;
  o.idle_timeout = c.idle_timeout;
  o.request_timeout = c.request_timeout;
  o.max_connections = static_cast<std::size_t>(c.max_connections);
  o.max_connections_per_ip = static_cast<std::size_t>(c.max_connections_per_ip);
  o.max_in_flight = static_cast<std::size_t>(c.max_in_flight);
  o.trusted_proxies = c.trusted_proxies;
  o.rate_limit = c.rate_limit;
  o.rate_burst = c.rate_burst;
  o.tls_cert = c.tls_cert;
  o.tls_key = c.tls_key;
  return o;
}

http::route_limit_settings route_limits_from(const config::limits_config& c) {
  return {{c.checkout_per_minute, c.checkout_burst},
          {c.order_actions_per_minute, c.order_actions_burst},
          {c.analytics_per_minute, c.analytics_burst},
          {c.sign_in_per_minute, c.sign_in_burst}};
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread we start; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  config::engine_config config;
  try {
    config = config::load_config(config_path(argc, argv));             // refuses a weak admin.token
    assembly::receiving_accounts_from(config.payments);                // refuses a private key or seed as xpub
    http::check_tls_files(config.http.tls_cert, config.http.tls_key);  // before anything starts
  } catch (const config::config_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const http::tls_error& e) {
    std::cerr << "config: " << e.what() << " (http.tls_cert / http.tls_key)\n";
    return 2;
  }
  if (config.database.url.empty()) {
    std::cerr << "config: database.url is empty: set ORDER_ENGINE_DATABASE_URL (scripts/run starts a private "
                 "PostgreSQL and sets it for you)\n";
    return 2;
  }
  if (auto admin = command_args(argc, argv, "admin")) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    return assembly::admin_command(config, *admin, std::cin, std::cout, std::cerr);
  }
  if (auto keys = command_args(argc, argv, "keys")) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    return assembly::keys_command(config, *keys, std::cout, std::cerr);
  }
  spdlog::set_level(spdlog::level::from_str(config.log.level));
  spdlog::info("node {} starting", config.cluster.node_name);

  std::unique_ptr<assembly::running_engine> engine;
  try {
    engine = std::make_unique<assembly::running_engine>(config);
  } catch (const sealing::key_file_error& e) {
    // No master key, or not this shop's: nothing personal can be read or
    // sealed, so the engine does not serve at all.
    std::cerr << "config: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "start-up failed: " << e.what() << "\n";
    return 3;
  }

  auto api = http::make_api(
      engine->shop(), engine->access(),
      http::api_options{config.admin.token, config.web.root, route_limits_from(config.limits), config.admin.allow_from},
      &engine->webhooks());
  auto options = server_options_from(config.http);
  options.screen_headers = std::move(api.on_headers);
  http::server server{std::move(options), std::move(api.on_request)};
  try {
    server.start();
  } catch (const http::tls_error& e) {  // the files changed since they were checked
    std::cerr << "config: " << e.what() << " (http.tls_cert / http.tls_key)\n";
    engine->stop();
    return 2;
  } catch (const http::bind_error& e) {
    std::cerr << e.what() << " (http.host / http.port, ORDER_ENGINE_HTTP_PORT)\n";
    engine->stop();
    return 3;
  }
  const char* scheme = config.http.tls_cert.empty() ? "http" : "https";
  spdlog::info("node {} serving on {}://{}:{}", config.cluster.node_name, scheme, config.http.host, server.port());
  std::cout << "order engine ready on " << scheme << "://" << config.http.host << ":" << server.port() << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{} received: draining requests", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  const auto stopping = std::chrono::steady_clock::now();
  server.shutdown(config.http.shutdown_grace);
  const auto drained = std::chrono::steady_clock::now();
  engine->stop();
  using ms = std::chrono::milliseconds;
  spdlog::info("stopped cleanly: requests drained in {} ms, journal flushed and actors stopped in {} ms",
               std::chrono::duration_cast<ms>(drained - stopping).count(),
               std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - drained).count());
  return 0;
}
