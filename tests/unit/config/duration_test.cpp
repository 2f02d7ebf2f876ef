#include "config/config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace std::chrono_literals;
using config::duration;
using config::format_duration;
using config::parse_duration;

TEST(parse_duration, reads_every_unit) {
  EXPECT_EQ(parse_duration("0"), duration{0});
  EXPECT_EQ(parse_duration("500ms"), duration{500ms});
  EXPECT_EQ(parse_duration("2s"), duration{2s});
  EXPECT_EQ(parse_duration("15m"), duration{15min});
  EXPECT_EQ(parse_duration("24h"), duration{24h});
  EXPECT_EQ(parse_duration("7d"), duration{7 * 24h});
  EXPECT_EQ(parse_duration("0s"), duration{0});
  EXPECT_EQ(parse_duration("90s"), duration{90s});
}

TEST(parse_duration, refuses_anything_else) {
  for (const char* bad : {"", "5", "-1s", "1.5s", "10 s", " 5s", "5s ", "s", "ms", "10sec", "1w", "5S", "+5s", "1h30m",
                          "99999999999999999999d", "9223372036854775807d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(format_duration, uses_the_largest_exact_unit) {
  EXPECT_EQ(format_duration(duration{0}), "0");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(36h), "36h");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(7 * 24h), "7d");
}

TEST(format_duration, round_trips_through_parse) {
  for (duration d : {duration{1}, duration{999}, duration{1000}, duration{61'000}, duration{3'600'000},
                     duration{86'400'000 * 30LL}, duration{123'456'789}}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

}  // namespace
