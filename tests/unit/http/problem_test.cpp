#include "http/problem.hpp"

#include <gtest/gtest.h>

namespace {

TEST(problem, is_problem_json_with_the_four_members) {
  auto res = http::problem(422, "validation", "Invalid order", "items[0].quantity must be 1..99");
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body.at("type"), "validation");
  EXPECT_EQ(body.at("title"), "Invalid order");
  EXPECT_EQ(body.at("status"), 422);
  EXPECT_EQ(body.at("detail"), "items[0].quantity must be 1..99");
}

TEST(problem, extra_members_are_added_but_cannot_replace_the_four) {
  auto res = http::problem(422, "validation", "Invalid order", "bad field",
                           {{"field", "customer.email"}, {"status", 200}, {"type", "other"}});
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body.at("field"), "customer.email");
  EXPECT_EQ(body.at("status"), 422);
  EXPECT_EQ(body.at("type"), "validation");
}

TEST(problem, invalid_utf8_in_detail_does_not_throw) {
  http::response res;
  EXPECT_NO_THROW(res = http::problem(404, "not_found", "Not Found", std::string("no \xff\xfe here")));
  EXPECT_TRUE(nlohmann::json::accept(res.body));
}

TEST(json_response, carries_status_and_json_body) {
  auto res = http::json_response(201, {{"id", "o-1"}});
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(res.body).at("id"), "o-1");
}

}  // namespace
