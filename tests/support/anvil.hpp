#pragma once

// A real local Ethereum chain for e2e tests: anvil (Foundry's node, from npm's
// @foundry-rs/anvil, installed into tests/support/eth on first use), on a free
// loopback port, with its ten unlocked test accounts. The test drives it over
// JSON-RPC: send Ether, deploy the test ERC-20 (tests/support/eth/TestToken.sol,
// compiled by solc-js from the same npm install) and transfer it, mine blocks,
// reorganise the chain (anvil_reorg), stop it.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "chains/json_rpc_client.hpp"
#include "support/free_port.hpp"

extern char** environ;

namespace test_support {

class anvil_chain {
 public:
  /// Anvil's account 0 (the shop's customers pay from it) and its well-known test key's address.
  static constexpr const char* payer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  anvil_chain() : port_(free_port()) { start(); }
  ~anvil_chain() { stop(); }
  anvil_chain(const anvil_chain&) = delete;
  anvil_chain& operator=(const anvil_chain&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  nlohmann::json rpc(const std::string& method, const nlohmann::json& params = nlohmann::json::array()) {
    return client_->call(method, params);
  }

  std::uint64_t tip() { return std::stoull(rpc("eth_blockNumber").get<std::string>(), nullptr, 16); }

  /// Sends `wei` to `to` from the payer; anvil mines it into a block of its own. Its hash.
  std::string pay_ether(const std::string& to, const std::string& wei) {
    return send({{"from", payer}, {"to", to}, {"value", hex(wei)}});
  }

  /// The same payment signed but not sent: sent later (send_raw), it keeps its hash.
  std::string sign_ether(const std::string& to, const std::string& wei) {
    const auto nonce = rpc("eth_getTransactionCount", nlohmann::json::array({payer, "pending"}));
    return rpc("eth_signTransaction", nlohmann::json::array({{{"from", payer},
                                        {"to", to},
                                        {"value", hex(wei)},
                                        {"nonce", nonce},
                                        {"gas", "0x5208"},
                                        {"maxFeePerGas", "0x77359400"},
                                        {"maxPriorityFeePerGas", "0x1"},
                                        {"chainId", rpc("eth_chainId")}}}))
        .get<std::string>();
  }
  std::string send_raw(const std::string& raw) { return mined(rpc("eth_sendRawTransaction", nlohmann::json::array({raw}))); }

  /// Compiles tests/support/eth/TestToken.sol with solc-js and deploys it from the payer: its address.
  std::string deploy_token() {
    const auto out = std::filesystem::temp_directory_path() / ("ccc-solc-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out);
    const std::string command = "cd '" + tools_dir() + "' && node_modules/.bin/solcjs --bin -o '" +
                                out.string() + "' TestToken.sol >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("solc-js could not compile TestToken.sol");
    std::ifstream in{out / "TestToken_sol_TestToken.bin"};
    std::string bin;
    in >> bin;
    std::filesystem::remove_all(out);
    if (bin.empty()) throw std::runtime_error("solc-js wrote no bytecode");
    const auto hash = send({{"from", payer}, {"data", "0x" + bin}});
    const auto receipt = rpc("eth_getTransactionReceipt", nlohmann::json::array({hash}));
    if (receipt["status"] != "0x1") throw std::runtime_error("the token's deployment failed");
    return receipt["contractAddress"];
  }

  /// transfer(to, amount) on the token, from the payer. Its hash.
  std::string pay_token(const std::string& token, const std::string& to, std::uint64_t amount) {
    std::ostringstream data;
    data << "0xa9059cbb" << std::string(24, '0') << lower(to.substr(2)) << word(amount);
    return send({{"from", payer}, {"to", token}, {"data", data.str()}});
  }

  void mine(int blocks = 1) { rpc("anvil_mine", nlohmann::json::array({blocks})); }

  /// The last `depth` blocks are replaced by as many empty ones: their transactions are gone.
  void reorg(int depth) { rpc("anvil_reorg", nlohmann::json::array({depth, nlohmann::json::array()})); }

  /// The node goes away (the chain source is down) / comes back, as a new chain on the same port.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void start() {
    const std::string binary = anvil_binary();
    const std::string port = std::to_string(port_);
    char* argv[] = {const_cast<char*>(binary.c_str()), const_cast<char*>("--host"), const_cast<char*>("127.0.0.1"),
                    const_cast<char*>("--port"), const_cast<char*>(port.c_str()), nullptr};
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    const int spawned = posix_spawn(&pid_, binary.c_str(), &quiet, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&quiet);
    if (spawned != 0) throw std::runtime_error("cannot start anvil at " + binary);
    client_ = std::make_unique<chains::json_rpc_client>([&] {
      chains::rpc_endpoint at{url(), {}, {}, std::chrono::seconds{10}};
      at.path.clear();
      return at;
    }());
    for (int i = 0; i < 400; ++i) {
      try {
        tip();
        return;
      } catch (const chains::rpc_error&) {
        std::this_thread::sleep_for(std::chrono::milliseconds{25});
      }
    }
    throw std::runtime_error("anvil did not answer on " + url());
  }

 private:
  static std::string tools_dir() { return std::string{ORDER_ENGINE_SOURCE_DIR} + "/tests/support/eth"; }

  /// The platform's anvil binary from the npm install, installing it on first use
  /// (npm ci from the lock file: the same versions everywhere, offline once cached).
  static std::string anvil_binary() {
    const std::filesystem::path scope = tools_dir() + "/node_modules/@foundry-rs";
    auto find = [&]() -> std::string {
      std::error_code ec;
      if (!std::filesystem::exists(scope, ec)) return {};
      for (const auto& entry : std::filesystem::directory_iterator(scope, ec))
        if (entry.path().filename().string().rfind("anvil-", 0) == 0 && std::filesystem::exists(entry.path() / "bin/anvil"))
          return (entry.path() / "bin/anvil").string();
      return {};
    };
    if (auto found = find(); !found.empty()) return found;
    const std::string install =
        "cd '" + tools_dir() + "' && npm ci --no-audit --no-fund --loglevel=error >/dev/null";
    if (std::system(install.c_str()) != 0) throw std::runtime_error("npm ci in tests/support/eth failed");
    if (auto found = find(); !found.empty()) return found;
    throw std::runtime_error("no anvil binary for this platform in tests/support/eth/node_modules");
  }

  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string word(std::uint64_t v) {
    std::ostringstream out;
    out << std::hex << v;
    return std::string(64 - out.str().size(), '0') + out.str();
  }
  static std::string hex(const std::string& decimal) {
    std::ostringstream out;
    out << "0x" << std::hex << std::stoull(decimal);
    return out.str();
  }
  std::string send(const nlohmann::json& tx) { return mined(rpc("eth_sendTransaction", nlohmann::json::array({tx}))); }
  // Anvil mines each transaction at once; the receipt says it is in.
  std::string mined(const nlohmann::json& hash) {
    for (int i = 0; i < 200; ++i) {
      if (!rpc("eth_getTransactionReceipt", nlohmann::json::array({hash})).is_null()) return hash;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    throw std::runtime_error("anvil did not mine " + hash.dump());
  }

  int port_;
  pid_t pid_ = -1;
  std::unique_ptr<chains::json_rpc_client> client_;
};

}  // namespace test_support
