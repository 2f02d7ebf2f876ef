#include "http/rate_limiter.hpp"

#include <string>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using clock_type = http::rate_limiter::clock;

TEST(rate_limiter, allows_the_burst_then_refuses_with_retry_after) {
  http::rate_limiter limiter(2, 3);
  auto t0 = clock_type::time_point{} + 1h;
  EXPECT_TRUE(limiter.acquire("10.0.0.1", t0).allowed);
  EXPECT_TRUE(limiter.acquire("10.0.0.1", t0).allowed);
  EXPECT_TRUE(limiter.acquire("10.0.0.1", t0).allowed);
  auto refused = limiter.acquire("10.0.0.1", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
}

TEST(rate_limiter, refills_at_the_rate) {
  http::rate_limiter limiter(2, 2);
  auto t0 = clock_type::time_point{} + 1h;
  EXPECT_TRUE(limiter.acquire("a", t0).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0).allowed);
  EXPECT_FALSE(limiter.acquire("a", t0 + 100ms).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0 + 500ms).allowed);  // one token back after 1/rate s
  EXPECT_FALSE(limiter.acquire("a", t0 + 600ms).allowed);
}

TEST(rate_limiter, retry_after_rounds_up_to_whole_seconds) {
  http::rate_limiter limiter(1, 1);  // burst 1: a token every second
  auto t0 = clock_type::time_point{} + 1h;
  EXPECT_TRUE(limiter.acquire("a", t0).allowed);
  auto refused = limiter.acquire("a", t0 + 100ms);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
}

TEST(rate_limiter, clients_have_separate_buckets) {
  http::rate_limiter limiter(1, 1);
  auto t0 = clock_type::time_point{} + 1h;
  EXPECT_TRUE(limiter.acquire("a", t0).allowed);
  EXPECT_FALSE(limiter.acquire("a", t0).allowed);
  EXPECT_TRUE(limiter.acquire("b", t0).allowed);
}

TEST(rate_limiter, burst_defaults_to_twice_the_rate) {
  http::rate_limiter limiter(3, 0);
  auto t0 = clock_type::time_point{} + 1h;
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(limiter.acquire("a", t0).allowed) << i;
  EXPECT_FALSE(limiter.acquire("a", t0).allowed);
}

TEST(rate_limiter, zero_rate_disables) {
  http::rate_limiter limiter(0, 0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.acquire("a").allowed);
  EXPECT_EQ(limiter.tracked_clients(), 0u);
}

TEST(rate_limiter, idle_buckets_are_forgotten) {
  http::rate_limiter limiter(10, 20);  // refills fully in 2 s
  auto t0 = clock_type::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i) limiter.acquire("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
  EXPECT_EQ(limiter.tracked_clients(), 1000u);
  limiter.acquire("10.9.9.9", t0 + 3s);
  EXPECT_EQ(limiter.tracked_clients(), 1u);
}

TEST(rate_limiter, forgetting_idle_buckets_never_forgives_debt) {
  http::rate_limiter limiter(1, 2);  // refills fully in 2 s, so sweeps run every 2 s
  auto t0 = clock_type::time_point{} + 1h;
  limiter.acquire("b", t0);
  EXPECT_TRUE(limiter.acquire("a", t0 + 1900ms).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0 + 1900ms).allowed);
  // This one sweeps: "b" is idle and goes, "a" is empty and must stay.
  limiter.acquire("c", t0 + 2100ms);
  EXPECT_EQ(limiter.tracked_clients(), 2u);
  EXPECT_FALSE(limiter.acquire("a", t0 + 2100ms).allowed);
}

TEST(rate_limiter, per_minute_allows_the_burst_then_one_every_few_seconds) {
  auto limiter = http::rate_limiter::per_minute(30, 10);  // one token every 2 s
  auto t0 = clock_type::time_point{} + 1h;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.acquire("10.0.0.1", t0).allowed) << i;
  auto refused = limiter.acquire("10.0.0.1", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 2s);
  EXPECT_TRUE(limiter.acquire("10.0.0.1", t0 + 2s).allowed);
  EXPECT_FALSE(limiter.acquire("10.0.0.1", t0 + 2s).allowed);
  EXPECT_TRUE(limiter.acquire("10.0.0.2", t0).allowed);  // another client has its own bucket
}

TEST(rate_limiter, memory_is_bounded_and_a_flood_of_new_clients_is_refused) {
  auto limiter = http::rate_limiter::per_minute(60, 1, 100);
  auto t0 = clock_type::time_point{} + 1h;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.acquire("10.2.0." + std::to_string(i), t0).allowed);
  EXPECT_FALSE(limiter.acquire("10.3.0.1", t0).allowed);  // the 101st client while all 100 are fresh
  EXPECT_EQ(limiter.tracked_clients(), 100u);
  EXPECT_TRUE(limiter.acquire("10.3.0.1", t0 + 2s).allowed);  // once idle buckets can be swept
  EXPECT_LE(limiter.tracked_clients(), 100u);
}

TEST(client_key, an_ipv6_client_is_its_64_and_an_ipv4_client_its_address) {
  EXPECT_EQ(http::client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), http::client_key("2001:db8:1:2::1"));
  EXPECT_NE(http::client_key("2001:db8:1:2::1"), http::client_key("2001:db8:1:3::1"));
  EXPECT_EQ(http::client_key("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(http::client_key("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_NE(http::client_key("203.0.113.7"), http::client_key("203.0.113.8"));
}

}  // namespace
