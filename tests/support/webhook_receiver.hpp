#pragma once

// Starts tests/support/webhook_receiver.py, a receiver on loopback that
// verifies each delivery's Standard Webhooks signature with Python's own hmac,
// and reads back what it received. It can be stopped and started again on
// the same port (a receiver that was down). For e2e tests.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

extern char** environ;

namespace test_support {

class webhook_receiver {
 public:
  webhook_receiver() { start(); }
  ~webhook_receiver() {
    stop();
    std::remove(port_file_.c_str());
  }
  webhook_receiver(const webhook_receiver&) = delete;
  webhook_receiver& operator=(const webhook_receiver&) = delete;

  /// Listens again (on the port it had, once it had one); what it received before is forgotten.
  void start() {
    if (!port_file_.empty()) std::remove(port_file_.c_str());
    static int instances = 0;
    port_file_ = "/tmp/ccc-webhook-receiver-" + std::to_string(::getpid()) + "-" + std::to_string(++instances);
    const std::string script = std::string{ORDER_ENGINE_SOURCE_DIR} + "/tests/support/webhook_receiver.py";
    std::string python = "/usr/bin/python3";
    std::string port = std::to_string(port_);
    char* argv[] = {python.data(), const_cast<char*>(script.c_str()), port_file_.data(), port.data(), nullptr};
    if (posix_spawn(&pid_, python.c_str(), nullptr, nullptr, argv, environ) != 0)
      throw std::runtime_error("cannot start webhook_receiver.py");
    int listening = 0;
    for (int i = 0; i < 200 && listening == 0; ++i) {
      std::ifstream in{port_file_};
      if (!(in >> listening)) listening = 0;
      if (listening == 0) std::this_thread::sleep_for(std::chrono::milliseconds{25});
    }
    if (listening == 0) throw std::runtime_error("webhook_receiver.py did not start listening");
    port_ = listening;
  }

  /// The receiver goes away: connections are refused until start().
  void stop() { stop_child(pid_); }

  /// Deliveries to `path` are verified with `secret` and answered `status`,
  /// `delay` after they arrived (a receiver that hangs).
  void expect(const std::string& path, const std::string& secret, int status = 204,
              std::chrono::milliseconds delay = std::chrono::milliseconds{0}) {
    const auto r = http_send(port_, "POST", "/_test/path",
                             nlohmann::json{{"path", path},
                                            {"secret", secret},
                                            {"status", status},
                                            {"delay", static_cast<double>(delay.count()) / 1000.0}}
                                 .dump(),
                             {{"Content-Type", "application/json"}});
    if (r.status != 200) throw std::runtime_error("webhook_receiver: HTTP " + std::to_string(r.status));
  }

  /// Every delivery since start(), in arrival order.
  nlohmann::json received() const {
    const auto r = http_send(port_, "GET", "/_test/received");
    if (r.status != 200) throw std::runtime_error("webhook_receiver: HTTP " + std::to_string(r.status));
    return r.data();
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace test_support
