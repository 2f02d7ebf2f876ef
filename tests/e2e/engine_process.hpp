#pragma once

// The real order_engine binary, started on a free port against its own fresh
// database, and a small blocking HTTP client to talk to it. Nothing is mocked.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/eventually.hpp"
#include "support/free_port.hpp"
#include "support/http_client.hpp"
#include "support/master_key.hpp"
#include "support/test_database.hpp"

extern char** environ;

namespace e2e {

using nlohmann::json;

using reply = test_support::http_reply;

using test_support::free_port;

/// One request on a fresh connection.
inline reply send(int port, const std::string& method, const std::string& target, const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) {
  return test_support::http_send(port, method, target, body, headers);
}

/// Starts the engine binary with `env_overrides` on top of this process's
/// environment (minus any ORDER_ENGINE_* of ours) and the sample config;
/// `args` after it make it a command (`keys rotate`) rather than the server.
inline pid_t spawn_engine(const std::map<std::string, std::string>& env_overrides,
                          const posix_spawn_file_actions_t* actions = nullptr,
                          const std::vector<std::string>& args = {}) {
  std::vector<std::string> strings;
  for (char** e = environ; *e; ++e)
    if (std::string{*e}.rfind("ORDER_ENGINE_", 0) != 0) strings.emplace_back(*e);
  for (const auto& [k, v] : env_overrides) strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string binary = ORDER_ENGINE_BINARY;
  std::string config = std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/engine.toml";
  std::string flag = "--config";
  std::vector<std::string> words = args;
  std::vector<char*> argv{binary.data(), flag.data(), config.data()};
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, binary.c_str(), actions, nullptr, argv.data(), envp.data()) != 0)
    throw std::runtime_error("cannot start " + binary);
  return pid;
}

inline int exit_code_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

inline const std::string admin_token = "e2e-admin-token-0123456789abcdef";

/// The engine as a child process. The database outlives restarts of the
/// process, so a test can kill -9 it and start it again on the same data.
class engine_process {
 public:
  /// With ORDER_ENGINE_HTTP_TLS_CERT among `extra_env` the engine serves HTTPS,
  /// and this class's requests trust that certificate as their CA.
  explicit engine_process(std::map<std::string, std::string> extra_env = {})
      : db_("e2e"), extra_env_(std::move(extra_env)) {
    if (auto cert = extra_env_.find("ORDER_ENGINE_HTTP_TLS_CERT"); cert != extra_env_.end()) ca_file_ = cert->second;
    start();
  }
  ~engine_process() {
    if (pid_ > 0) kill_hard();
    std::error_code ignored;
    std::filesystem::remove_all(mail_drop_, ignored);
  }

  void start() {
    port_ = free_port();
    pid_ = spawn_engine(environment());
    wait_until_healthy();
  }

  /// What the engine is started with: this test's database and port, mail to
  /// its drop directory, and the test's own settings on top.
  std::map<std::string, std::string> environment() const {
    std::map<std::string, std::string> env = {
        {"ORDER_ENGINE_DATABASE_URL", db_.url()},
        {"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", master_key_.path()},
        {"ORDER_ENGINE_HTTP_PORT", std::to_string(port_)},
        {"ORDER_ENGINE_ADMIN_TOKEN", admin_token},
        {"ORDER_ENGINE_CATALOG_SEED_FILE", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/demo-catalog.json"},
        {"ORDER_ENGINE_WEB_ROOT", std::string{ORDER_ENGINE_SOURCE_DIR} + "/web"},
        {"ORDER_ENGINE_LOG_LEVEL", "warn"},
        {"ORDER_ENGINE_MAIL_TEMPLATES_DIR", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/templates"},
        {"ORDER_ENGINE_MAIL_DROP_DIR", mail_drop_.string()},
        // The tests drive many orders from one address and one customer in
        // seconds; the limits that exist against that are tested on their own.
        {"ORDER_ENGINE_LIMITS_CHECKOUT_PER_MINUTE", "0"},
        {"ORDER_ENGINE_LIMITS_ORDER_ACTIONS_PER_MINUTE", "0"},
        {"ORDER_ENGINE_LIMITS_ANALYTICS_PER_MINUTE", "0"},
        {"ORDER_ENGINE_LIMITS_SIGN_IN_PER_MINUTE", "0"},
        {"ORDER_ENGINE_MAIL_MAX_PER_RECIPIENT_PER_HOUR", "0"},
    };
    for (const auto& [k, v] : extra_env_) env[k] = v;
    return env;
  }

  /// A setting of the next start(), for one that names this engine's own
  /// database (known only once it exists).
  void set(const std::string& variable, const std::string& value) { extra_env_[variable] = value; }

  /// SIGTERM and wait; returns the exit code.
  int stop() {
    signal_term();
    return wait_exit();
  }

  void signal_term() const { ::kill(pid_, SIGTERM); }

  int wait_exit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return exit_code_of(status);
  }

  void kill_hard() {
    ::kill(pid_, SIGKILL);
    wait_exit();
  }

  int port() const { return port_; }
  const test_support::test_database& database() const { return db_; }
  /// security.master_key_file: the shop's own, kept across restarts.
  const std::string& master_key_file() const { return master_key_.path(); }
  /// Where the engine writes its mail (ORDER_ENGINE_MAIL_DROP_DIR) unless a test sets SMTP.
  const std::filesystem::path& mail_drop() const { return mail_drop_; }

  reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) const {
    return request("GET", target, "", headers);
  }
  reply post(const std::string& target, const json& body,
             const std::map<std::string, std::string>& headers = {}) const {
    return request("POST", target, body.dump(), headers);
  }
  reply request(const std::string& method, const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& headers) const {
    if (ca_file_.empty()) return send(port_, method, target, body, headers);
    return test_support::https_send(port_, ca_file_, method, target, body, headers);
  }
  reply admin_get(const std::string& target) const { return get(target, {{"Authorization", "Bearer " + admin_token}}); }
  reply admin_command(const std::string& order_id, const json& command) const {
    return post("/admin/api/orders/" + order_id + "/commands", command, {{"Authorization", "Bearer " + admin_token}});
  }

 private:
  void wait_until_healthy() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("order_engine exited during start-up with status " + std::to_string(status));
      }
      try {
        if (get("/healthz").status == 200) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    throw std::runtime_error("order_engine did not become healthy within 30 s");
  }

  test_support::test_database db_;
  test_support::master_key_file master_key_;  // outlives restarts, like the database
  // Mail goes to a drop directory of this engine's own unless a test sets SMTP.
  std::filesystem::path mail_drop_ = std::filesystem::temp_directory_path() / ("ccc-e2e-mail-" + db_.name());
  std::map<std::string, std::string> extra_env_;
  std::string ca_file_;  // set when the engine serves HTTPS
  pid_t pid_ = -1;
  int port_ = 0;
};

struct finished_run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

/// Runs the engine binary to completion (for start-up failures, or a command
/// given as `args` with `input` on its stdin), with the given environment on
/// top of the current one, and captures what it printed.
inline finished_run run_to_exit(const std::map<std::string, std::string>& env_overrides,
                                const std::vector<std::string>& args = {}, const std::string& input = "") {
  char path[] = "/tmp/ccc-e2e-output.XXXXXX";
  const int fd = mkstemp(path);
  char in_path[] = "/tmp/ccc-e2e-input.XXXXXX";
  const int in_fd = mkstemp(in_path);
  std::ofstream{in_path} << input;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  finished_run out;
  const pid_t pid = spawn_engine(env_overrides, &actions, args);
  int status = 0;
  waitpid(pid, &status, 0);
  out.exit_code = exit_code_of(status);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fd);
  ::close(in_fd);
  std::ifstream in{path};
  out.output.assign(std::istreambuf_iterator<char>{in}, {});
  std::remove(path);
  std::remove(in_path);
  return out;
}

using test_support::eventually;

inline json checkout_body(const std::string& sku = "HP-64XL-BLK", int quantity = 2, const std::string& method = "XMR") {
  return {{"items", {{{"sku", sku}, {"quantity", quantity}}}},
          {"customer", {{"name", "Ada Lovelace"}, {"email", "ada@example.com"}}},
          {"shipping",
           {{"line1", "1 Euclid Ave"},
            {"line2", ""},
            {"city", "Cleveland"},
            {"region", "OH"},
            {"postal_code", "44115"},
            {"country", "US"}}},
          {"payment_method", method}};
}

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace e2e
