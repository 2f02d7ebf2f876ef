#include "http/problem.hpp"

#include <gtest/gtest.h>

namespace {

TEST(problem, is_problem_json_with_the_four_members) {
  auto res = http::problem(http::problem_type::validation, "items[0].quantity must be 1..99");
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body.at("type"), "validation");
  EXPECT_EQ(body.at("title"), "The request is not valid");
  EXPECT_EQ(body.at("status"), 422);
  EXPECT_EQ(body.at("detail"), "items[0].quantity must be 1..99");
}

TEST(problem, extra_members_are_added_but_cannot_replace_the_four) {
  auto res = http::problem(http::problem_type::validation, "bad field",
                           {{"field", "customer.email"}, {"status", 200}, {"type", "other"}});
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body.at("field"), "customer.email");
  EXPECT_EQ(body.at("status"), 422);
  EXPECT_EQ(body.at("type"), "validation");
}

TEST(problem, invalid_utf8_in_detail_does_not_throw) {
  http::response res;
  EXPECT_NO_THROW(res = http::problem(http::problem_type::not_found, std::string("no \xff\xfe here")));
  EXPECT_TRUE(nlohmann::json::accept(res.body));
}

TEST(problem, every_domain_refusal_has_its_own_type_and_status) {
  const std::pair<domain::error_code, int> expected[] = {
      {domain::error_code::validation, 422},        {domain::error_code::out_of_stock, 422},
      {domain::error_code::not_found, 404},         {domain::error_code::invalid_transition, 409},
      {domain::error_code::quote_expired, 409},     {domain::error_code::idempotency_conflict, 422},
      {domain::error_code::conflict, 409},          {domain::error_code::duplicate_payment, 409},
      {domain::error_code::unavailable, 503},       {domain::error_code::internal, 500},
  };
  for (const auto& [code, status] : expected) {
    auto res = http::error_response(domain::make_error(code, "detail", "field"));
    auto body = nlohmann::json::parse(res.body);
    EXPECT_EQ(res.status, status) << domain::to_string(code);
    EXPECT_EQ(body.at("type"), domain::to_string(code));
    EXPECT_EQ(body.at("field"), "field");
  }
}

TEST(json_response, carries_status_and_json_body) {
  auto res = http::json_response(201, {{"id", "o-1"}});
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(res.body).at("id"), "o-1");
}

}  // namespace
