#pragma once

// Starts tests/support/fake_esplora.py (an Esplora-compatible server on loopback,
// since no Bitcoin node exists on this machine) and drives its chain: pay an
// address, mine blocks, replace or drop a mempool transaction. For e2e tests
// (support/http_client.cpp sends the control calls).

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/http_client.hpp"

extern char** environ;

namespace test_support {

class fake_esplora {
 public:
  fake_esplora() {
    port_file_ = "/tmp/ccc-fake-esplora-" + std::to_string(::getpid()) + "-" + std::to_string(++instances()) + ".port";
    const std::string script = std::string{ORDER_ENGINE_SOURCE_DIR} + "/tests/support/fake_esplora.py";
    // Debian's interpreter by its path, like the electrum reference: no venv needed.
    std::string python = "/usr/bin/python3";
    char* argv[] = {python.data(), const_cast<char*>(script.c_str()), port_file_.data(), nullptr};
    if (posix_spawn(&pid_, python.c_str(), nullptr, nullptr, argv, environ) != 0)
      throw std::runtime_error("cannot start fake_esplora.py");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream in{port_file_};
      if (!(in >> port_)) port_ = 0;
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds{25});
    }
    if (port_ == 0) throw std::runtime_error("fake_esplora.py did not start listening");
  }
  ~fake_esplora() {
    stop();
    std::remove(port_file_.c_str());
  }
  fake_esplora(const fake_esplora&) = delete;
  fake_esplora& operator=(const fake_esplora&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// A transaction paying `value` satoshi to `address`, into the mempool; its txid.
  std::string pay(const std::string& address, const std::string& value) {
    return control("/_test/pay", {{"outputs", {{{"address", address}, {"value", std::stoull(value)}}}}})["txid"];
  }
  void mine(int blocks = 1) { control("/_test/mine", {{"blocks", blocks}}); }
  /// Replace-by-fee: the mempool transaction `txid` gives way to one paying `value` to `address`.
  std::string replace(const std::string& txid, const std::string& address, const std::string& value) {
    return control("/_test/replace",
                   {{"txid", txid}, {"outputs", {{{"address", address}, {"value", std::stoull(value)}}}}})["txid"];
  }
  void drop(const std::string& txid) { control("/_test/drop", {{"txid", txid}}); }

  /// The server goes away (the chain source is down).
  void stop() { stop_child(pid_); }

 private:
  static int& instances() {
    static int n = 0;
    return n;
  }
  nlohmann::json control(const std::string& path, const nlohmann::json& body) {
    const auto r = http_send(port_, "POST", path, body.dump(), {{"Content-Type", "application/json"}});
    if (r.status != 200) throw std::runtime_error("fake_esplora " + path + ": HTTP " + std::to_string(r.status));
    return r.data();
  }

  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace test_support
