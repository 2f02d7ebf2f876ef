#include "http/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/problem.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"
#include "unit/http/test_client.hpp"

namespace {

using test_support::eventually;

using namespace std::chrono_literals;
namespace bh = boost::beast::http;
using http_test::client;

http::server_options test_options() {
  http::server_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.body_limit = 64 * 1024;
  o.header_limit = 8 * 1024;
  o.read_timeout = 5s;
  o.idle_timeout = 5s;
  o.request_timeout = 5s;
  o.rate_limit = 0;
  o.rate_burst = 0;
  return o;
}

nlohmann::json json_of(const http_test::reply& res) {
  return nlohmann::json::parse(res.body());
}

std::string problem_type(const http_test::reply& res) {
  EXPECT_EQ(res[bh::field::content_type], "application/problem+json");
  return json_of(res).at("type").get<std::string>();
}

http::response text(std::string body) {
  http::response res;
  res.content_type = "text/plain";
  res.body = std::move(body);
  return res;
}

// Requests the test answers itself, from its own thread, whenever it likes.
class parked_requests {
 public:
  void push(http::request req, http::responder respond) {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(req), std::move(respond));
    ready_.notify_all();
  }

  std::pair<http::request, http::responder> pop() {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, 5s, [&] { return !queue_.empty(); })) throw std::runtime_error("no request arrived");
    auto front = std::move(queue_.front());
    queue_.pop_front();
    return front;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<http::request, http::responder>> queue_;
};

TEST(server, answers_with_content_length_server_header_and_decoded_request) {
  http::server srv(test_options(), [](http::request req, http::responder respond) {
    respond(http::json_response(200, {{"method", req.method},
                                      {"path", req.path},
                                      {"target", req.target},
                                      {"name", req.query["name"]},
                                      {"thing", req.header("X-Thing")},
                                      {"body", req.body},
                                      {"remote", req.remote_address}}));
  });
  srv.start();
  ASSERT_NE(srv.port(), 0);
  client c(srv.port());
  auto res = c.request(bh::verb::post, "/hello%20world?name=Ada+L%2E", "{\"x\":1}", {{"X-Thing", "42"}});
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bh::field::content_type], "application/json");
  EXPECT_EQ(res[bh::field::content_length], std::to_string(res.body().size()));
  EXPECT_FALSE(res[bh::field::server].empty());
  EXPECT_FALSE(res[bh::field::date].empty());
  auto body = json_of(res);
  EXPECT_EQ(body.at("method"), "POST");
  EXPECT_EQ(body.at("path"), "/hello world");
  EXPECT_EQ(body.at("target"), "/hello%20world?name=Ada+L%2E");
  EXPECT_EQ(body.at("name"), "Ada L.");
  EXPECT_EQ(body.at("thing"), "42");
  EXPECT_EQ(body.at("body"), "{\"x\":1}");
  EXPECT_EQ(body.at("remote"), "127.0.0.1");
}

TEST(server, routes_with_params_404_and_405) {
  http::router routes;
  routes.add("GET", "/api/orders/{id}", [](http::request, http::route_params p, http::responder respond) {
    respond(http::json_response(200, {{"id", std::string(p.get("id"))}}));
  });
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    routes.dispatch(std::move(req), std::move(respond));
  });
  srv.start();
  client c(srv.port());

  auto found = c.get("/api/orders/ord-7");
  EXPECT_EQ(found.result_int(), 200);
  EXPECT_EQ(json_of(found).at("id"), "ord-7");

  auto missing = c.get("/api/nothing");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(problem_type(missing), "not_found");

  auto wrong_method = c.request(bh::verb::delete_, "/api/orders/ord-7");
  EXPECT_EQ(wrong_method.result_int(), 405);
  EXPECT_EQ(problem_type(wrong_method), "method_not_allowed");
  EXPECT_EQ(wrong_method[bh::field::allow], "GET, HEAD");
}

TEST(server, handler_may_answer_later_from_another_thread) {
  parked_requests parked;
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    parked.push(std::move(req), std::move(respond));
  });
  srv.start();
  client c(srv.port());
  ASSERT_FALSE(c.send(bh::verb::get, "/slow"));

  auto [req, respond] = parked.pop();
  EXPECT_EQ(req.path, "/slow");
  EXPECT_EQ(srv.in_flight(), 1u);
  std::thread worker([respond = std::move(respond)] { respond(text("done later")); });
  worker.join();

  boost::system::error_code ec;
  auto res = c.read(false, &ec);
  ASSERT_TRUE(res) << ec.message();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "done later");
  EXPECT_TRUE(eventually([&] { return srv.in_flight() == 0; }));
}

TEST(server, keeps_the_connection_alive_across_requests) {
  std::atomic<int> count{0};
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    respond(text(req.path + " #" + std::to_string(++count)));
  });
  srv.start();
  client c(srv.port());
  for (int i = 1; i <= 5; ++i) {
    auto res = c.get("/r" + std::to_string(i));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(res.body(), "/r" + std::to_string(i) + " #" + std::to_string(i));
  }
  // Pipelined: two requests in one write, answered in order.
  ASSERT_FALSE(c.send_raw("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = c.read();
  auto second = c.read();
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->body(), "/p1 #6");
  EXPECT_EQ(second->body(), "/p2 #7");
}

TEST(server, connection_close_is_honoured) {
  http::server srv(test_options(), [](http::request, http::responder respond) { respond(text("bye")); });
  srv.start();
  client c(srv.port());
  auto res = c.request(bh::verb::get, "/", {}, {{"Connection", "close"}});
  EXPECT_EQ(res.body(), "bye");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST(server, a_request_not_finished_within_read_timeout_is_closed_without_an_answer) {
  auto options = test_options();
  options.read_timeout = 200ms;
  std::atomic<int> calls{0};
  http::server srv(options, [&](http::request, http::responder respond) {
    ++calls;
    respond(text("should not happen"));
  });
  srv.start();
  client c(srv.port());
  ASSERT_FALSE(c.send_raw("GET / HTTP/1.1\r\nHost: x\r\n"));  // and then nothing
  boost::system::error_code ec;
  EXPECT_FALSE(c.read(false, &ec));
  EXPECT_TRUE(ec == bh::error::end_of_stream || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_EQ(calls, 0);
}

TEST(server, an_idle_keep_alive_connection_is_closed_after_the_idle_timeout) {
  auto options = test_options();
  options.idle_timeout = 200ms;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client c(srv.port());
  EXPECT_EQ(c.get("/").body(), "ok");
  auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_GE(std::chrono::steady_clock::now() - before, 150ms);
}

TEST(server, body_over_the_limit_gets_413_without_calling_the_handler) {
  std::atomic<int> calls{0};
  http::server srv(test_options(), [&](http::request, http::responder respond) {
    ++calls;
    respond(text("should not happen"));
  });
  srv.start();
  client c(srv.port());
  auto res = c.request(bh::verb::post, "/api/orders", std::string(64 * 1024 + 1, 'x'));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(problem_type(res), "payload_too_large");
  EXPECT_EQ(res[bh::field::content_length], std::to_string(res.body().size()));
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(calls, 0);

  client exact(srv.port());
  EXPECT_EQ(exact.request(bh::verb::post, "/api/orders", std::string(64 * 1024, 'x')).result_int(), 200);
  EXPECT_EQ(calls, 1);
}

TEST(server, a_bulk_path_takes_a_larger_body_and_others_still_do_not) {
  std::atomic<int> calls{0};
  auto options = test_options();
  options.bulk_paths = {"/admin/api/payments/import"};
  options.bulk_body_limit = 1 << 20;
  http::server srv(options, [&](http::request req, http::responder respond) {
    ++calls;
    respond(text(std::to_string(req.body.size())));
  });
  srv.start();
  // A Content-Length over the ordinary limit is fine on the bulk path ...
  client bulk(srv.port());
  auto ok = bulk.request(bh::verb::post, "/admin/api/payments/import?x=1", std::string(300 * 1024, 'x'));
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(ok.body(), std::to_string(300 * 1024));
  // ... up to its own limit ...
  client over(srv.port());
  EXPECT_EQ(over.request(bh::verb::post, "/admin/api/payments/import", std::string((1 << 20) + 1, 'x')).result_int(),
            413);
  // ... and every other path keeps the ordinary one, even though the header is read with the larger.
  client other(srv.port());
  EXPECT_EQ(other.request(bh::verb::post, "/api/orders", std::string(300 * 1024, 'x')).result_int(), 413);
  EXPECT_EQ(calls, 1);
}

TEST(server, expect_100_continue_is_answered_before_the_body) {
  http::server srv(test_options(),
                   [&](http::request req, http::responder respond) { respond(text("got " + req.body)); });
  srv.start();
  client c(srv.port());
  ASSERT_FALSE(c.send_raw("POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read();  // a client waits for this before it sends the body
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_FALSE(c.send_raw("hello"));
  auto final_answer = c.read();
  ASSERT_TRUE(final_answer);
  EXPECT_EQ(final_answer->result_int(), 200);
  EXPECT_EQ(final_answer->body(), "got hello");
}

TEST(server, a_screened_request_is_answered_from_its_headers_before_any_body_or_bulk_grant) {
  std::atomic<int> calls{0};
  std::atomic<int> screened{0};
  auto options = test_options();
  options.bulk_paths = {"/admin/api/payments/import"};
  options.bulk_body_limit = 1 << 20;
  options.screen_headers = [&](const http::request& head, http::screen_done done) {
    ++screened;
    EXPECT_TRUE(head.body.empty());
    if (head.header("authorization") == "Bearer yes") return done({});
    http::response res = text("no");
    res.status = 401;
    done({res, {}});
  };
  http::server srv(options, [&](http::request req, http::responder respond) {
    ++calls;
    respond(text("got " + std::to_string(req.body.size())));
  });
  srv.start();
  // Refused from the headers: no 100 Continue, no body read, the handler never runs.
  client refused(srv.port());
  ASSERT_FALSE(refused.send_raw("POST /admin/api/payments/import HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n"
                                "Expect: 100-continue\r\n\r\n"));
  auto answer = refused.read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 401);
  EXPECT_FALSE(answer->keep_alive());  // its body was never read: the connection ends
  // Let through: the bulk limit and the 100 Continue apply as before.
  client allowed(srv.port());
  ASSERT_FALSE(allowed.send_raw("POST /admin/api/payments/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer yes\r\n"
                                "Content-Length: 300000\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = allowed.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_FALSE(allowed.send_raw(std::string(300000, 'x')));
  auto final_answer = allowed.read();
  ASSERT_TRUE(final_answer);
  EXPECT_EQ(final_answer->body(), "got 300000");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(screened, 2);
}

TEST(server, a_screen_may_decide_later_from_another_thread_and_name_the_caller) {
  auto options = test_options();
  options.screen_headers = [](const http::request& head, http::screen_done done) {
    const bool known = head.header("authorization") == "Bearer later";
    // As a database lookup would: the verdict arrives from elsewhere, later.
    std::thread([known, done = std::move(done)] {
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
      if (known) return done({std::nullopt, http::caller{"ada@example.com", "session", "s1"}});
      http::response res = text("who are you");
      res.status = 401;
      done({res, {}});
    }).detach();
  };
  http::server srv(options, [](http::request req, http::responder respond) {
    respond(text(req.who.name + " via " + req.who.credential + " with " + req.body));
  });
  srv.start();
  client known(srv.port());
  ASSERT_FALSE(known.send_raw("POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer later\r\n"
                              "Content-Length: 5\r\n\r\nhello"));
  auto answer = known.read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 200);
  EXPECT_EQ(answer->body(), "ada@example.com via session with hello");
  client stranger(srv.port());
  ASSERT_FALSE(stranger.send_raw("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto refused = stranger.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 401);
  EXPECT_EQ(refused->body(), "who are you");
  EXPECT_TRUE(refused->keep_alive());  // no body was left unread: the connection stays
}

TEST(server, a_client_over_its_share_of_connections_is_closed_at_once_and_others_still_connect) {
  auto options = test_options();
  options.max_connections_per_ip = 2;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client first(srv.port());
  client second(srv.port());
  EXPECT_EQ(first.get("/").result_int(), 200);
  EXPECT_EQ(second.get("/").result_int(), 200);
  client third(srv.port());  // accepted by the kernel, closed by the server at once
  EXPECT_TRUE(third.closed_by_server());
  client elsewhere(srv.port(), "127.0.0.2");  // another client is not held back
  EXPECT_EQ(elsewhere.get("/").result_int(), 200);
  first.close();
  // Its place is given back once its session has gone.
  EXPECT_TRUE(eventually([&] {
    client again(srv.port());
    try {
      return again.get("/").result_int() == 200;
    } catch (const std::exception&) {
      return false;
    }
  }));
}

TEST(server, connections_beyond_max_connections_are_closed_at_once) {
  auto options = test_options();
  options.max_connections = 2;
  options.max_connections_per_ip = 0;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client first(srv.port());
  client second(srv.port(), "127.0.0.3");
  EXPECT_EQ(first.get("/").result_int(), 200);
  EXPECT_EQ(second.get("/").result_int(), 200);
  client third(srv.port(), "127.0.0.4");
  EXPECT_TRUE(third.closed_by_server());
}

TEST(server, requests_beyond_max_in_flight_get_503_with_retry_after_until_work_is_done) {
  auto options = test_options();
  options.max_in_flight = 2;
  parked_requests parked;
  http::server srv(options, [&](http::request req, http::responder respond) {
    if (req.path == "/slow") return parked.push(std::move(req), std::move(respond));
    respond(text("fast"));
  });
  srv.start();
  client a(srv.port());
  client b(srv.port());
  ASSERT_FALSE(a.send(bh::verb::get, "/slow"));
  ASSERT_FALSE(b.send(bh::verb::get, "/slow"));
  auto first = parked.pop();
  auto second = parked.pop();
  client c(srv.port());
  auto busy = c.get("/fast");
  EXPECT_EQ(busy.result_int(), 503);
  EXPECT_EQ(problem_type(busy), "unavailable");
  EXPECT_EQ(busy[bh::field::retry_after], "1");
  first.second(text("done"));
  second.second(text("done"));
  ASSERT_TRUE(a.read());
  ASSERT_TRUE(b.read());
  EXPECT_TRUE(eventually([&] { return srv.in_flight() == 0; }));
  EXPECT_EQ(c.get("/fast").body(), "fast");
}

TEST(server, headers_over_the_limit_get_431) {
  std::atomic<int> calls{0};
  http::server srv(test_options(), [&](http::request, http::responder respond) {
    ++calls;
    respond(text("should not happen"));
  });
  srv.start();
  client c(srv.port());
  auto res = c.request(bh::verb::get, "/", {}, {{"X-Padding", std::string(16 * 1024, 'a')}});
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(problem_type(res), "headers_too_large");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(calls, 0);
}

TEST(server, garbage_gets_400_and_the_connection_is_closed) {
  std::atomic<int> calls{0};
  http::server srv(test_options(), [&](http::request, http::responder respond) {
    ++calls;
    respond(text("should not happen"));
  });
  srv.start();
  client c(srv.port());
  ASSERT_FALSE(c.send_raw("THIS IS NOT\x01 HTTP AT ALL\r\n\r\n"));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_EQ(problem_type(*res), "bad_request");
  EXPECT_TRUE(c.closed_by_server());

  client bad_escape(srv.port());
  auto escaped = bad_escape.get("/api/orders/%zz");
  EXPECT_EQ(escaped.result_int(), 400);
  EXPECT_EQ(calls, 0);
}

TEST(server, rate_limited_client_gets_429_with_retry_after) {
  auto options = test_options();
  options.rate_limit = 1;
  options.rate_burst = 2;
  http::server srv(options, [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client c(srv.port());
  EXPECT_EQ(c.get("/").result_int(), 200);
  EXPECT_EQ(c.get("/").result_int(), 200);
  auto limited = c.get("/");
  EXPECT_EQ(limited.result_int(), 429);
  EXPECT_EQ(problem_type(limited), "rate_limited");
  EXPECT_GE(std::stoi(std::string(limited[bh::field::retry_after])), 1);
  EXPECT_TRUE(limited.keep_alive());
}

TEST(server, behind_a_trusted_proxy_the_forwarded_client_is_limited_alone) {
  auto options = test_options();
  options.rate_limit = 1;
  options.rate_burst = 1;
  options.trusted_proxies = *domain::parse_networks("127.0.0.0/8");
  http::server srv(options, [](http::request req, http::responder respond) { respond(text(req.remote_address)); });
  srv.start();
  client c(srv.port());
  auto as = [&](const std::string& forwarded) {
    return c.request(bh::verb::get, "/", {}, {{"X-Forwarded-For", forwarded}});
  };
  auto first = as("203.0.113.9");
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(first.body(), "203.0.113.9");
  EXPECT_EQ(as("203.0.113.9").result_int(), 429);
  // A client cannot dodge the limit by prepending its own entries.
  EXPECT_EQ(as("1.2.3.4, 203.0.113.9").result_int(), 429);
  auto other = as("spoofed, 198.51.100.7");
  EXPECT_EQ(other.result_int(), 200);
  EXPECT_EQ(other.body(), "198.51.100.7");
  // Through two of our proxies, the client is the rightmost entry that is not ours.
  auto chained = as("10.9.9.9, 192.0.2.44, 127.0.0.7");
  EXPECT_EQ(chained.result_int(), 200);
  EXPECT_EQ(chained.body(), "192.0.2.44");
}

TEST(server, forwarded_for_is_ignored_unless_trusted) {
  http::server srv(test_options(),
                   [](http::request req, http::responder respond) { respond(text(req.remote_address)); });
  srv.start();
  client c(srv.port());
  EXPECT_EQ(c.request(bh::verb::get, "/", {}, {{"X-Forwarded-For", "203.0.113.9"}}).body(), "127.0.0.1");
}

TEST(server, rate_limit_zero_never_limits) {
  http::server srv(test_options(), [](http::request, http::responder respond) { respond(text("ok")); });
  srv.start();
  client c(srv.port());
  for (int i = 0; i < 100; ++i) ASSERT_EQ(c.get("/").result_int(), 200) << i;
}

TEST(server, silent_handler_gets_503_and_its_late_answer_is_ignored) {
  auto options = test_options();
  options.request_timeout = 200ms;
  parked_requests parked;
  http::server srv(options, [&](http::request req, http::responder respond) {
    if (req.path == "/silent") return parked.push(std::move(req), std::move(respond));
    respond(text("fast"));
  });
  srv.start();
  client c(srv.port());
  auto res = c.get("/silent");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(problem_type(res), "unavailable");
  EXPECT_TRUE(res.keep_alive());

  auto [req, late] = parked.pop();
  late(text("late"));
  late(text("later still"));
  auto next = c.get("/fast");
  EXPECT_EQ(next.result_int(), 200);
  EXPECT_EQ(next.body(), "fast");
  EXPECT_TRUE(eventually([&] { return srv.in_flight() == 0; }));
}

TEST(server, responder_called_twice_answers_once) {
  http::server srv(test_options(), [](http::request, http::responder respond) {
    respond(text("first"));
    respond(text("second"));
  });
  srv.start();
  client c(srv.port());
  EXPECT_EQ(c.get("/a").body(), "first");
  EXPECT_EQ(c.get("/b").body(), "first");
}

TEST(server, throwing_handler_gets_500_and_the_server_keeps_serving) {
  http::server srv(test_options(), [](http::request req, http::responder respond) {
    if (req.path == "/boom") throw std::runtime_error("handler bug");
    respond(text("still here"));
  });
  srv.start();
  client c(srv.port());
  auto res = c.get("/boom");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(problem_type(res), "internal");
  EXPECT_EQ(c.get("/fine").body(), "still here");
  client other(srv.port());
  EXPECT_EQ(other.get("/fine").body(), "still here");
}

TEST(server, serves_static_files_with_head_and_refuses_traversal) {
  test_support::temp_dir dir;
  dir.write("secret.txt", "top secret");
  dir.write("web/index.html", "<!doctype html><h1>Cleveland Cartridge Co</h1>");
  dir.write("web/app.js", "console.log(1)");
  const auto root = (dir.path() / "web").string();
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    if (auto file = http::serve_static(root, req.path, req.method == "HEAD")) return respond(std::move(*file));
    respond(http::problem(http::problem_type::not_found, req.path));
  });
  srv.start();
  client c(srv.port());

  auto page = c.get("/");
  EXPECT_EQ(page.result_int(), 200);
  EXPECT_EQ(page[bh::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(page[bh::field::cache_control], "no-cache");
  EXPECT_EQ(page.body(), "<!doctype html><h1>Cleveland Cartridge Co</h1>");

  auto head = c.request(bh::verb::head, "/app.js");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bh::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(head[bh::field::content_length], "14");
  EXPECT_TRUE(head.body().empty());
  // Nothing stray after the HEAD answer: the connection still frames correctly.
  auto script = c.get("/app.js");
  EXPECT_EQ(script.body(), "console.log(1)");
  EXPECT_EQ(script[bh::field::cache_control], "no-cache");

  for (std::string target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%252e%252e/secret.txt", "/..%2fsecret.txt",
                             "/%2E%2E%2Fsecret.txt", "/..%5csecret.txt"}) {
    client attacker(srv.port());
    auto res = attacker.get(target);
    EXPECT_NE(res.result_int(), 200) << target;
    EXPECT_EQ(res.body().find("top secret"), std::string::npos) << target;
  }
}

TEST(server, start_throws_bind_error_when_the_port_is_taken) {
  http::server first(test_options(), [](http::request, http::responder respond) { respond(text("first")); });
  first.start();
  auto options = test_options();
  options.port = first.port();
  http::server second(options, [](http::request, http::responder respond) { respond(text("second")); });
  try {
    second.start();
    FAIL() << "second server started on a taken port";
  } catch (const http::bind_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": address already in use");
  }
  client c(first.port());
  EXPECT_EQ(c.get("/").body(), "first");
}

TEST(server, shutdown_finishes_requests_in_flight_and_refuses_new_connections) {
  parked_requests parked;
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    if (req.path == "/slow") return parked.push(std::move(req), std::move(respond));
    respond(text("quick"));
  });
  srv.start();
  const int port = srv.port();

  client idle(port);  // a keep-alive connection between requests
  EXPECT_EQ(idle.get("/quick").body(), "quick");

  client busy(port);
  ASSERT_FALSE(busy.send(bh::verb::get, "/slow"));
  auto [req, respond] = parked.pop();
  // The /quick answer is counted until its write completes, which may be just after
  // the client has read it.
  ASSERT_TRUE(eventually([&] { return srv.in_flight() == 1; }));

  auto started = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [&] { srv.shutdown(2s); });

  // New connections are refused while the request in flight is still unanswered.
  EXPECT_TRUE(eventually([&] { return client::try_connect(port) == boost::asio::error::connection_refused; }));
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_EQ(stopping.wait_for(0s), std::future_status::timeout);

  std::thread worker([respond = std::move(respond)] {
    std::this_thread::sleep_for(200ms);  // the handler's own work, not a wait for the server
    respond(text("finished during shutdown"));
  });
  boost::system::error_code ec;
  auto res = busy.read(false, &ec);
  worker.join();
  ASSERT_TRUE(res) << ec.message();
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(res->body(), "finished during shutdown");
  EXPECT_FALSE(res->keep_alive());

  ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // drained, not timed out
  EXPECT_EQ(srv.in_flight(), 0u);
  EXPECT_TRUE(busy.closed_by_server());
}

TEST(server, shutdown_gives_up_after_the_grace_period) {
  parked_requests parked;
  http::server srv(test_options(), [&](http::request req, http::responder respond) {
    parked.push(std::move(req), std::move(respond));
  });
  srv.start();
  client c(srv.port());
  ASSERT_FALSE(c.send(bh::verb::get, "/never"));
  auto [req, respond] = parked.pop();

  auto started = std::chrono::steady_clock::now();
  srv.shutdown(300ms);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  respond(text("too late"));  // after shutdown: ignored, and must not crash
}

}  // namespace
