// The server speaking HTTPS itself: TLS 1.3 only, the same session chain as
// plain HTTP (bounds, timeouts, screen, shutdown), Strict-Transport-Security on
// every answer. Certificates are made at test time; everything is on loopback.

#include "http/server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support/eventually.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_files.hpp"
#include "unit/http/test_client.hpp"
#include "unit/http/tls_client.hpp"

namespace {

using namespace std::chrono_literals;
namespace bh = boost::beast::http;
using http_test::client;
using http_test::tls_client;
using test_support::eventually;

constexpr const char* hsts = "max-age=31536000";

http::response text(std::string body, int status = 200) {
  http::response res;
  res.status = status;
  res.content_type = "text/plain";
  res.body = std::move(body);
  return res;
}

// A server on a free loopback port with a fresh self-signed certificate.
struct tls_fixture {
  test_support::temp_dir dir{"ccc-tls-test"};
  test_support::tls_files files = test_support::make_self_signed(dir.path());

  http::server_options options() const {
    http::server_options o;
    o.port = 0;
    o.read_timeout = 5s;
    o.idle_timeout = 5s;
    o.request_timeout = 5s;
    o.tls_cert = files.cert;
    o.tls_key = files.key;
    return o;
  }
};

TEST(tls, serves_https_over_tls_1_3_with_a_certificate_the_client_verifies) {
  tls_fixture f;
  std::atomic<int> calls{0};
  http::server srv(f.options(), [&](http::request req, http::responder respond) {
    ++calls;
    respond(text("hello " + req.path));
  });
  srv.start();
  tls_client c(srv.port(), f.files.cert);
  ASSERT_FALSE(c.handshake());
  EXPECT_EQ(c.version(), TLS1_3_VERSION);
  auto first = c.get("/one");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(first.body(), "hello /one");
  EXPECT_EQ(c.get("/two").body(), "hello /two");  // the same connection, kept alive
  EXPECT_EQ(calls, 2);
}

TEST(tls, a_client_that_offers_at_most_tls_1_2_fails_its_handshake) {
  tls_fixture f;
  std::atomic<int> calls{0};
  http::server srv(f.options(), [&](http::request, http::responder respond) {
    ++calls;
    respond(text("ok"));
  });
  srv.start();
  tls_client old(srv.port(), f.files.cert, TLS1_2_VERSION);
  const auto ec = old.handshake();
  EXPECT_TRUE(ec) << "a TLS 1.2 handshake succeeded";
  EXPECT_NE(ec, boost::asio::error::timed_out);  // refused, not left waiting
  // The same client without the cap gets in: it was the version that was refused.
  tls_client current(srv.port(), f.files.cert);
  ASSERT_FALSE(current.handshake());
  EXPECT_EQ(current.get("/").result_int(), 200);
  EXPECT_EQ(calls, 1);
}

TEST(tls, a_plain_http_request_to_the_tls_port_gets_no_http_answer) {
  tls_fixture f;
  std::atomic<int> calls{0};
  http::server srv(f.options(), [&](http::request, http::responder respond) {
    ++calls;
    respond(text("ok"));
  });
  srv.start();
  client plain(srv.port());
  ASSERT_FALSE(plain.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  boost::system::error_code ec;
  EXPECT_FALSE(plain.read(false, &ec)) << "an HTTP answer came back on the TLS port";
  EXPECT_NE(ec, boost::asio::error::timed_out);  // the connection ended, it did not hang
  EXPECT_EQ(calls, 0);
}

TEST(tls, every_answer_carries_hsts_under_tls_the_sessions_own_refusals_too) {
  tls_fixture f;
  auto options = f.options();
  options.body_limit = 16;
  // An asynchronous screen, as the admin's is: its refusal comes from another thread.
  options.screen_headers = [](const http::request& head, http::screen_done done) {
    if (head.path != "/admin") return done({});
    std::thread([done] { done({text("no", 401), {}}); }).detach();
  };
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();

  tls_client c(srv.port(), f.files.cert);
  ASSERT_FALSE(c.handshake());
  auto ok = c.get("/");
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(ok[bh::field::strict_transport_security], hsts);
  auto refused = c.get("/admin");
  EXPECT_EQ(refused.result_int(), 401);
  EXPECT_EQ(refused[bh::field::strict_transport_security], hsts);

  tls_client big(srv.port(), f.files.cert);
  ASSERT_FALSE(big.handshake());
  bh::request<bh::string_body> post{bh::verb::post, "/api/orders", 11};
  post.body() = std::string(17, 'x');
  ASSERT_FALSE(big.send(std::move(post)));
  auto too_large = big.read();
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->result_int(), 413);
  EXPECT_EQ((*too_large)[bh::field::strict_transport_security], hsts);
}

TEST(tls, plain_http_answers_carry_no_hsts) {
  tls_fixture f;
  auto options = f.options();
  options.tls_cert.clear();
  options.tls_key.clear();
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client plain(srv.port());
  auto res = plain.get("/");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.count(bh::field::strict_transport_security), 0u);
}

TEST(tls, a_client_that_never_starts_its_handshake_is_closed_after_read_timeout) {
  tls_fixture f;
  auto options = f.options();
  options.read_timeout = 200ms;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client silent(srv.port());
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closed_by_server());
  EXPECT_GE(std::chrono::steady_clock::now() - before, 150ms);
}

TEST(tls, a_closed_connection_ends_with_the_servers_close_notify) {
  tls_fixture f;
  http::server srv(f.options(), [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  tls_client c(srv.port(), f.files.cert);
  ASSERT_FALSE(c.handshake());
  auto res = c.get("/", true);
  EXPECT_FALSE(res.keep_alive());
  // eof is TLS's clean end; a connection merely dropped reads as stream_truncated.
  const auto ec = c.next_read_error();
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
}

TEST(tls, an_idle_connection_is_closed_after_the_idle_timeout) {
  tls_fixture f;
  auto options = f.options();
  options.idle_timeout = 200ms;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  tls_client c(srv.port(), f.files.cert);
  ASSERT_FALSE(c.handshake());
  EXPECT_EQ(c.get("/").body(), "ok");
  const auto before = std::chrono::steady_clock::now();
  const auto ec = c.next_read_error();
  EXPECT_NE(ec, boost::asio::error::timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - before, 150ms);
}

TEST(tls, a_client_over_its_share_of_connections_is_closed_before_any_handshake) {
  tls_fixture f;
  auto options = f.options();
  options.max_connections_per_ip = 1;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  tls_client first(srv.port(), f.files.cert);
  ASSERT_FALSE(first.handshake());
  EXPECT_EQ(first.get("/").result_int(), 200);
  tls_client second(srv.port(), f.files.cert);
  const auto ec = second.handshake();
  EXPECT_TRUE(ec);
  EXPECT_NE(ec, boost::asio::error::timed_out);
}

TEST(tls, requests_beyond_max_in_flight_get_503_under_tls_too) {
  tls_fixture f;
  auto options = f.options();
  options.max_in_flight = 1;
  std::promise<http::responder> parked;
  http::server srv(options, [&](http::request req, http::responder respond) {
    if (req.path == "/slow") return parked.set_value(std::move(respond));
    respond(text("quick"));
  });
  srv.start();
  tls_client busy(srv.port(), f.files.cert);
  ASSERT_FALSE(busy.handshake());
  ASSERT_FALSE(busy.send({bh::verb::get, "/slow", 11}));
  auto respond = parked.get_future().get();
  tls_client other(srv.port(), f.files.cert);
  ASSERT_FALSE(other.handshake());
  auto refused = other.get("/quick");
  EXPECT_EQ(refused.result_int(), 503);
  EXPECT_EQ(refused[bh::field::retry_after], "1");
  respond(text("slow"));
  auto res = busy.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "slow");
}

TEST(tls, shutdown_lets_a_request_in_flight_finish_over_tls) {
  tls_fixture f;
  std::promise<http::responder> parked;
  http::server srv(f.options(), [&](http::request, http::responder respond) { parked.set_value(std::move(respond)); });
  srv.start();
  tls_client busy(srv.port(), f.files.cert);
  ASSERT_FALSE(busy.handshake());
  ASSERT_FALSE(busy.send({bh::verb::get, "/slow", 11}));
  auto respond = parked.get_future().get();
  const auto started = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [&] { srv.shutdown(2s); });
  ASSERT_TRUE(eventually([&] { return client::try_connect(srv.port()) == boost::asio::error::connection_refused; }));
  respond(text("finished during shutdown"));
  auto res = busy.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "finished during shutdown");
  EXPECT_FALSE(res->keep_alive());
  EXPECT_EQ(busy.next_read_error(), boost::asio::error::eof);  // with its close_notify
  ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // drained, not timed out
}

std::string tls_error_of(const http::server_options& options) {
  try {
    http::server srv(options, [](http::request, http::responder) {});
    srv.start();
  } catch (const http::tls_error& e) {
    return e.what();
  }
  return "";
}

TEST(tls, files_that_cannot_serve_are_refused_at_start_with_the_reason) {
  tls_fixture f;
  const auto other = test_support::make_self_signed(f.dir.path(), "other");
  auto mismatched = f.options();
  mismatched.tls_key = other.key;
  EXPECT_NE(tls_error_of(mismatched).find("does not belong to the certificate"), std::string::npos)
      << tls_error_of(mismatched);

  auto missing = f.options();
  missing.tls_cert = (f.dir.path() / "nowhere.crt").string();
  EXPECT_NE(tls_error_of(missing).find("No such file or directory"), std::string::npos) << tls_error_of(missing);

  f.dir.write("garbage.crt", "not a certificate\n");
  auto garbage = f.options();
  garbage.tls_cert = (f.dir.path() / "garbage.crt").string();
  EXPECT_NE(tls_error_of(garbage).find("garbage.crt"), std::string::npos) << tls_error_of(garbage);

  auto half = f.options();
  half.tls_key.clear();
  EXPECT_NE(tls_error_of(half).find("private key is missing"), std::string::npos) << tls_error_of(half);

  EXPECT_THROW(http::check_tls_files(f.files.cert, other.key), http::tls_error);
  EXPECT_NO_THROW(http::check_tls_files(f.files.cert, f.files.key));
  EXPECT_NO_THROW(http::check_tls_files("", ""));
}

}  // namespace
