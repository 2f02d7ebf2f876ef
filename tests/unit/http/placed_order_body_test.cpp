// Checkout's 201 body: the order as its customer sees it, with its access
// token, whether the engine hands over the view it just stored or not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/order_json.hpp"
#include "http/views.hpp"
#include "unit/domain/order_fixtures.hpp"

namespace {

using nlohmann::json;

app::placed_order placed(std::string view_json) {
  const auto order = domain_test::order_in(domain::order_status::pending);
  return app::placed_order{order, "token-of-the-order", std::move(view_json)};
}

json expected_body() {
  json view = domain::customer_view(placed("").order);
  view["access_token"] = "token-of-the-order";
  return view;
}

TEST(placed_order_body, the_stored_view_gains_the_access_token_and_nothing_else) {
  const auto stored = domain::customer_view(placed("").order).dump();
  const auto body = json::parse(http::views::placed_order_body(placed(stored)));
  EXPECT_EQ(body, expected_body());
}

TEST(placed_order_body, the_stored_view_is_what_answers_not_a_second_rendering) {
  const auto body = json::parse(http::views::placed_order_body(placed(R"({"number":"as stored"})")));
  EXPECT_EQ(body, (json{{"number", "as stored"}, {"access_token", "token-of-the-order"}}));
}

TEST(placed_order_body, without_a_stored_view_the_order_is_rendered) {
  EXPECT_EQ(json::parse(http::views::placed_order_body(placed(""))), expected_body());
}

TEST(placed_order_body, a_token_is_escaped_as_a_json_string) {
  auto order = placed(R"({"number":"x"})");
  order.access_token = "a\"b\\c";
  EXPECT_EQ(json::parse(http::views::placed_order_body(order))["access_token"], "a\"b\\c");
}

}  // namespace
