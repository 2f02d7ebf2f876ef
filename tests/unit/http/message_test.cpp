#include "http/message.hpp"

#include <gtest/gtest.h>

namespace {

TEST(parse_target, splits_and_decodes_path_and_query) {
  auto t = http::parse_target("/api/orders/a%20b?token=x%2By&q=red+ink&empty=&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/orders/a b");
  EXPECT_EQ(t->query.at("token"), "x+y");
  EXPECT_EQ(t->query.at("q"), "red ink");
  EXPECT_EQ(t->query.at("empty"), "");
  EXPECT_EQ(t->query.at("flag"), "");
}

TEST(parse_target, plus_stays_a_plus_in_the_path) {
  auto t = http::parse_target("/a+b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a+b");
}

TEST(parse_target, first_of_repeated_query_keys_wins) {
  auto t = http::parse_target("/x?status=paid&status=pending");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query.at("status"), "paid");
}

TEST(parse_target, absolute_form_keeps_path_and_query) {
  auto t = http::parse_target("http://shop.example:8080/api/products?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/products");
  EXPECT_EQ(t->query.at("x"), "1");
}

TEST(parse_target, rejects_bad_escapes_nul_and_relative_targets) {
  EXPECT_FALSE(http::parse_target("/a%2"));
  EXPECT_FALSE(http::parse_target("/a%zz"));
  EXPECT_FALSE(http::parse_target("/a%00b"));
  EXPECT_FALSE(http::parse_target("/x?k=%g1"));
  EXPECT_FALSE(http::parse_target("api/orders"));
  EXPECT_FALSE(http::parse_target(""));
}

TEST(request, header_lookup_ignores_case_and_is_empty_when_absent) {
  http::request r;
  r.headers["idempotency-key"] = "k1";
  EXPECT_EQ(r.header("Idempotency-Key"), "k1");
  EXPECT_EQ(r.header("authorization"), "");
}

}  // namespace
