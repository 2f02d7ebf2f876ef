#include "persistence/connection.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "persistence/access_path.hpp"
#include "persistence/pq_connection.hpp"

namespace persistence {
namespace {

const named_statement ping_statement{"ping", "select 1"};

/// After a failed connect, every connection of the process to that URL waits
/// before trying again (100 ms, doubling up to 1 s; reset by the first
/// success). A database that is down or failing over is then asked a few
/// times a second, not once per request and tick of every actor, and the
/// requests meanwhile fail at once with `unavailable` instead of each waiting
/// out libpq's connect. Shared by the detached actors' threads: a mutex.
class connect_backoff {
 public:
  using clock = std::chrono::steady_clock;

  /// Throws broken_connection while the URL's last failure is too recent.
  void before_connect(const std::string& url) {
    std::lock_guard lock{mutex_};
    const auto it = by_url_.find(url);
    if (it == by_url_.end() || clock::now() >= it->second.retry_at) return;
    throw pqxx::broken_connection{"the database was unreachable moments ago (" + it->second.last_error +
                                  "); the next attempt is after a pause"};
  }

  void failed(const std::string& url, const std::string& error) {
    std::lock_guard lock{mutex_};
    auto& state = by_url_[url];
    const auto pause = std::min(first_pause * (1 << std::min(state.failures, 4)), longest_pause);
    ++state.failures;
    state.retry_at = clock::now() + pause;
    state.last_error = error;
  }

  void succeeded(const std::string& url) {
    std::lock_guard lock{mutex_};
    by_url_.erase(url);
  }

 private:
  static constexpr std::chrono::milliseconds first_pause{100};
  static constexpr std::chrono::milliseconds longest_pause{1000};
  struct state {
    int failures = 0;
    clock::time_point retry_at;
    std::string last_error;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, state> by_url_;
};

connect_backoff& backoff() {
  static connect_backoff instance;
  return instance;
}

/// libpq's message, first line: the second line onwards repeats hosts and hints.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void prepare(pqxx::connection& conn, const named_statement& statement) {
  conn.prepare(statement.name, statement.text);
  conn.prepare_now(statement.name);
}

}  // namespace

void connection::impl::connect() {
  backoff().before_connect(url);
  std::unique_ptr<pqxx::connection> fresh;
  try {
    fresh = std::make_unique<pqxx::connection>(url);
  } catch (const pqxx::broken_connection& e) {
    backoff().failed(url, first_line(e.what()));
    throw;
  }
  backoff().succeeded(url);
  for (const auto* statement : declared) prepare(*fresh, *statement);
  conn = std::move(fresh);
}

void connection::impl::declare(std::initializer_list<const named_statement*> statements) {
  for (const auto* statement : statements) {
    if (std::find(declared.begin(), declared.end(), statement) != declared.end()) continue;
    run([&](pqxx::connection& c) { prepare(c, *statement); });
    declared.push_back(statement);
  }
}

connection::connection(std::string url) : impl_(std::make_unique<impl>()) {
  impl_->url = std::move(url);
  impl_->connect();
  impl_->declare({&ping_statement, &detail::enter_path_statement});
}

connection::~connection() = default;
connection::connection(connection&&) noexcept = default;
connection& connection::operator=(connection&&) noexcept = default;

bool connection::ping() {
  try {
    impl_->run([&](pqxx::connection& c) {
      pqxx::nontransaction txn{c};
      txn.exec_prepared(ping_statement.name);
    });
    return true;
  } catch (const std::exception&) {
    impl_->conn.reset();
    return false;
  }
}

}  // namespace persistence
