#include "http/router.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using outcome = http::route_match::outcome;

http::route_handler tagged(std::string tag, std::string* called) {
  return [tag, called](http::request, http::route_params, http::responder) { *called = tag; };
}

class router_test : public ::testing::Test {
 protected:
  router_test() {
    r.add("GET", "/api/products", tagged("products", &called));
    r.add("GET", "/api/orders/{id}", tagged("order", &called));
    r.add("POST", "/api/orders", tagged("checkout", &called));
    r.add("POST", "/api/orders/{id}/cancel", tagged("cancel", &called));
    r.add("GET", "/api/orders/search", tagged("search", &called));
    r.add("POST", "/admin/api/payments/exceptions/{id}/assign", tagged("assign", &called));
  }

  http::router r;
  std::string called;
};

TEST_F(router_test, binds_named_segments) {
  auto m = r.match("POST", "/api/orders/0b7f/cancel");
  ASSERT_TRUE(m);
  EXPECT_EQ(m.params.get("id"), "0b7f");
  EXPECT_TRUE(m.params.contains("id"));
  EXPECT_EQ(m.params.get("sku"), "");
  (*m.handler)({}, m.params, {});
  EXPECT_EQ(called, "cancel");
}

TEST_F(router_test, literal_segment_beats_parameter) {
  auto m = r.match("GET", "/api/orders/search");
  ASSERT_TRUE(m);
  (*m.handler)({}, m.params, {});
  EXPECT_EQ(called, "search");
  EXPECT_EQ(m.params.size(), 0u);
}

TEST_F(router_test, trailing_slash_and_empty_segments_are_tolerated) {
  EXPECT_TRUE(r.match("GET", "/api/products/"));
  EXPECT_TRUE(r.match("GET", "/api//products"));
  auto m = r.match("GET", "/api/orders/7/");
  ASSERT_TRUE(m);
  EXPECT_EQ(m.params.get("id"), "7");
}

TEST_F(router_test, unknown_path_is_not_found) {
  EXPECT_EQ(r.match("GET", "/api/nothing").result, outcome::not_found);
  EXPECT_EQ(r.match("GET", "/api/orders/7/extra/deep").result, outcome::not_found);
  EXPECT_EQ(r.match("GET", "/").result, outcome::not_found);
}

TEST_F(router_test, known_path_with_other_method_is_method_not_allowed_with_allow) {
  auto m = r.match("DELETE", "/api/orders");
  EXPECT_EQ(m.result, outcome::method_not_allowed);
  EXPECT_EQ(m.allow, "POST");
  auto g = r.match("PUT", "/api/products");
  EXPECT_EQ(g.result, outcome::method_not_allowed);
  EXPECT_EQ(g.allow, "GET, HEAD");
}

TEST_F(router_test, head_uses_the_get_route) {
  auto m = r.match("HEAD", "/api/orders/9");
  ASSERT_TRUE(m);
  EXPECT_EQ(m.params.get("id"), "9");
}

TEST_F(router_test, dispatch_calls_the_handler_with_params) {
  std::string seen;
  http::router d;
  d.add("GET", "/api/products/{sku}", [&](http::request req, http::route_params p, http::responder respond) {
    seen = std::string(p.get("sku")) + " " + req.path;
    respond(http::response{});
  });
  std::optional<http::response> answer;
  http::request req;
  req.method = "GET";
  req.path = "/api/products/HP-64XL";
  d.dispatch(req, [&](http::response res) { answer = std::move(res); });
  EXPECT_EQ(seen, "HP-64XL /api/products/HP-64XL");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
}

TEST_F(router_test, dispatch_answers_404_and_405_problems) {
  std::optional<http::response> answer;
  http::request req;
  req.method = "GET";
  req.path = "/api/missing";
  r.dispatch(req, [&](http::response res) { answer = std::move(res); });
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(answer->content_type, "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(answer->body).at("type"), "not_found");

  answer.reset();
  req.method = "PATCH";
  req.path = "/api/orders/1";
  r.dispatch(req, [&](http::response res) { answer = std::move(res); });
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 405);
  EXPECT_EQ(nlohmann::json::parse(answer->body).at("type"), "method_not_allowed");
  ASSERT_EQ(answer->headers.size(), 1u);
  EXPECT_EQ(answer->headers[0].first, "Allow");
  EXPECT_EQ(answer->headers[0].second, "GET, HEAD");
  EXPECT_TRUE(called.empty());
}

}  // namespace
