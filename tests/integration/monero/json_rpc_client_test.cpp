// How chains::json_rpc_client fails: every way ends in an rpc_error that names the
// method and the cause, within the configured time.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "chains/json_rpc_client.hpp"
#include "chains/monero_wallet_rpc.hpp"
#include "integration/monero/shared_network.hpp"

namespace {

using namespace std::chrono_literals;
using chains::json_rpc_client;
using chains::rpc_endpoint;
using chains::rpc_error;

// A socket that listens and never accepts: the kernel completes the TCP handshake,
// the request is sent, no answer ever comes (a wallet-rpc stuck in a long refresh).
class silent_listener {
 public:
  silent_listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(address.sin_port);
  }
  ~silent_listener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

template <class F>
std::chrono::milliseconds time_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

TEST(json_rpc_client, a_wallet_rpc_that_is_down_fails_at_once_with_connection_refused) {
  const auto port = monero_test::free_port();
  chains::monero_wallet_rpc wallet{rpc_endpoint{"http://127.0.0.1:" + std::to_string(port)}};
  std::string message;
  const auto took = time_of([&] {
    try {
      wallet.get_transfers(0, true, true);
    } catch (const rpc_error& e) {
      EXPECT_EQ(e.what_kind(), rpc_error::kind::transport);
      EXPECT_EQ(e.http_status(), 0);
      message = e.what();
    }
  });
  EXPECT_NE(message.find("get_transfers"), std::string::npos) << message;
  EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(port)), std::string::npos) << "names the server: " << message;
  EXPECT_LT(took, 1s);
}

TEST(json_rpc_client, a_server_that_never_answers_fails_after_the_timeout) {
  silent_listener server;
  rpc_endpoint endpoint{"http://127.0.0.1:" + std::to_string(server.port())};
  endpoint.timeout = 300ms;
  chains::monero_wallet_rpc wallet{endpoint};
  std::string message;
  const auto took = time_of([&] {
    try {
      wallet.get_height();
    } catch (const rpc_error& e) {
      EXPECT_EQ(e.what_kind(), rpc_error::kind::transport);
      message = e.what();
    }
  });
  EXPECT_NE(message.find("get_height"), std::string::npos) << message;
  EXPECT_NE(message.find("timed out after 300 ms"), std::string::npos) << message;
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1500ms);
}

TEST(json_rpc_client, a_longer_timeout_for_one_call_replaces_the_endpoints) {
  silent_listener server;
  rpc_endpoint endpoint{"http://127.0.0.1:" + std::to_string(server.port())};
  endpoint.timeout = 5s;
  json_rpc_client rpc{endpoint};
  const auto took = time_of([&] { EXPECT_THROW(rpc.call("refresh", nlohmann::json::object(), 200ms), rpc_error); });
  EXPECT_LT(took, 1500ms);
}

class json_rpc_client_against_wallet : public monero_test::with_network {};

TEST_F(json_rpc_client_against_wallet, an_unknown_method_is_a_json_rpc_error_with_its_code) {
  json_rpc_client rpc{net().customer()};
  try {
    rpc.call("no_such_method");
    FAIL() << "no error";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.what_kind(), rpc_error::kind::rpc);
    EXPECT_EQ(e.rpc_code(), -32601);  // JSON-RPC "method not found"
    EXPECT_NE(std::string{e.what()}.find("no_such_method"), std::string::npos) << e.what();
  }
}

TEST_F(json_rpc_client_against_wallet, a_wrong_path_is_an_http_error_with_its_status) {
  json_rpc_client rpc{rpc_endpoint{net().customer().base_url + "/not-here"}};
  try {
    rpc.call("get_height");
    FAIL() << "no error";
  } catch (const rpc_error& e) {
    EXPECT_EQ(e.what_kind(), rpc_error::kind::http_status);
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_NE(std::string{e.what()}.find("HTTP 404"), std::string::npos) << e.what();
  }
}

TEST_F(json_rpc_client_against_wallet, a_trailing_slash_in_the_url_is_harmless) {
  json_rpc_client rpc{rpc_endpoint{net().customer().base_url + "/"}};
  EXPECT_GT(rpc.call("get_height").at("height").get<std::uint64_t>(), 0u);
}

}  // namespace
