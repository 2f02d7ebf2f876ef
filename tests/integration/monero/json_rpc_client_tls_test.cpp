// The wallet RPC client over HTTPS keeps libcurl's certificate and host checks:
// a wallet whose certificate no trusted CA signed is refused before a request
// (with its digest login) is sent. The TLS server is a real one, on loopback.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "chains/json_rpc_client.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_files.hpp"

namespace {

using namespace std::chrono_literals;

// Accepts one connection and completes the server side of a TLS handshake with
// a self-signed certificate for 127.0.0.1, if the client goes through with it.
class self_signed_tls_server {
 public:
  self_signed_tls_server() : files_(test_support::make_self_signed(dir_.path())) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve_one(); });
  }
  ~self_signed_tls_server() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes the accept when no client came
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  bool client_hello_seen() const { return hello_seen_; }

 private:
  void serve_one() {
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_file(ctx, files_.cert.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx, files_.key.c_str(), SSL_FILETYPE_PEM);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, client);
    SSL_set_info_callback(ssl, [](const SSL* s, int where, int) {
      if ((where & SSL_CB_ACCEPT_LOOP) && SSL_get_state(s) == TLS_ST_SR_CLNT_HELLO)
        static_cast<self_signed_tls_server*>(SSL_get_app_data(s))->hello_seen_ = true;
    });
    SSL_set_app_data(ssl, this);
    SSL_accept(ssl);  // fails when the client gives up on the certificate
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(client);
  }

  test_support::temp_dir dir_{"ccc-wallet-tls"};
  test_support::tls_files files_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> hello_seen_{false};
  std::thread thread_;
};

TEST(json_rpc_client_tls, a_wallet_whose_certificate_no_trusted_ca_signed_is_refused) {
  self_signed_tls_server server;
  chains::rpc_endpoint endpoint{"https://127.0.0.1:" + std::to_string(server.port()), "watcher", "secret", 5s};
  chains::json_rpc_client rpc{endpoint};
  std::string message;
  try {
    rpc.call("get_height");
    ADD_FAILURE() << "the call went through to an untrusted server";
  } catch (const chains::rpc_error& e) {
    EXPECT_EQ(e.what_kind(), chains::rpc_error::kind::transport);
    message = e.what();
  }
  EXPECT_TRUE(server.client_hello_seen()) << "the client never spoke TLS: " << message;
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
}

}  // namespace
