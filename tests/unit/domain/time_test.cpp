// RFC 3339 timestamps and calendar dates, without the C library's time zone state.

#include <gtest/gtest.h>

#include "domain/time.hpp"

namespace domain_test {
namespace {

using namespace domain;

TEST(format_rfc3339, writes_utc_with_milliseconds) {
  EXPECT_EQ(format_rfc3339(from_unix_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(1'795'691'806'123)), "2026-11-26T11:16:46.123Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(1'709'208'000'000)), "2024-02-29T12:00:00.000Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(1'798'761'599'999)), "2026-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(1'798'761'600'000)), "2027-01-01T00:00:00.000Z");
}

TEST(format_rfc3339, handles_times_before_1970) {
  EXPECT_EQ(format_rfc3339(from_unix_ms(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(from_unix_ms(-86'400'000)), "1969-12-31T00:00:00.000Z");
}

TEST(parse_rfc3339, reads_what_format_writes) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{999}, std::int64_t{-1},
                          std::int64_t{1'795'691'806'123}, std::int64_t{1'709'208'000'000},
                          std::int64_t{951'782'400'000} /* 2000-02-29 */, std::int64_t{4'102'444'799'999}}) {
    const std::string text = format_rfc3339(from_unix_ms(ms));
    EXPECT_EQ(parse_rfc3339(text), from_unix_ms(ms)) << text;
  }
}

TEST(parse_rfc3339, round_trips_every_hour_of_a_leap_year) {
  const std::int64_t start = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
  for (std::int64_t h = 0; h < 366 * 24; ++h) {
    const timestamp t = from_unix_ms(start + h * 3'600'000 + h % 1000);
    ASSERT_EQ(parse_rfc3339(format_rfc3339(t)), t) << format_rfc3339(t);
  }
  EXPECT_EQ(format_rfc3339(from_unix_ms(start + 366LL * 86'400'000)), "2025-01-01T00:00:00.000Z");
}

TEST(parse_rfc3339, applies_numeric_offsets) {
  const auto utc = parse_rfc3339("2026-11-26T11:16:46.123Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T12:16:46.123+01:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T06:16:46.123-05:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T16:46:46.123+05:30"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46.123+00:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46.123-00:00"), utc);
  // An offset can carry the time across midnight and a year boundary.
  EXPECT_EQ(parse_rfc3339("2026-12-31T20:00:00-05:00"), parse_rfc3339("2027-01-01T01:00:00Z"));
}

TEST(parse_rfc3339, accepts_any_fraction_length_and_none) {
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46Z"), from_unix_ms(1'795'691'806'000));
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46.1Z"), from_unix_ms(1'795'691'806'100));
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46.12Z"), from_unix_ms(1'795'691'806'120));
  EXPECT_EQ(parse_rfc3339("2026-11-26T11:16:46.123456789Z"), from_unix_ms(1'795'691'806'123));
}

TEST(parse_rfc3339, accepts_the_lower_case_and_space_forms_rfc3339_allows) {
  const auto utc = parse_rfc3339("2026-11-26T11:16:46Z");
  EXPECT_EQ(parse_rfc3339("2026-11-26t11:16:46z"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26 11:16:46Z"), utc);
}

TEST(parse_rfc3339, rejects_junk_and_impossible_times) {
  for (const char* bad : {"",
                          "tomorrow",
                          "now",
                          "2026-11-26",
                          "2026-11-26T11:16:46",
                          "2026-11-26T11:16Z",
                          "2026-11-26T11:16:46.Z",
                          "2026-11-26T11:16:46.123",
                          "2026-11-26T11:16:46+0100",
                          "2026-11-26T11:16:46+01",
                          "2026-11-26T11:16:46+01:00x",
                          "2026-11-26T11:16:46ZZ",
                          "2026-11-26T11:16:46Z ",
                          " 2026-11-26T11:16:46Z",
                          "2026-02-30T00:00:00Z",
                          "2027-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z",
                          "2026-00-10T00:00:00Z",
                          "2026-11-00T00:00:00Z",
                          "2026-11-31T00:00:00Z",
                          "2026-11-26T24:00:00Z",
                          "2026-11-26T11:60:00Z",
                          "2026-11-26T11:16:61Z",
                          "2026-11-26T11:16:46+24:00",
                          "2026-11-26T11:16:46+01:60",
                          "2026/11/26T11:16:46Z",
                          "26-11-26T11:16:46Z",
                          "2026-11-26X11:16:46Z",
                          "1795691806123"}) {
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(is_calendar_date, accepts_real_dates_including_leap_days) {
  for (const char* ok :
       {"2026-12-01", "2026-01-31", "2026-12-31", "2024-02-29", "2000-02-29", "2026-02-28", "2026-04-30"})
    EXPECT_TRUE(is_calendar_date(ok)) << ok;
}

TEST(is_calendar_date, rejects_dates_that_do_not_exist) {
  for (const char* bad : {"2026-02-30", "2026-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-06-31",
                          "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32"})
    EXPECT_FALSE(is_calendar_date(bad)) << bad;
}

TEST(is_calendar_date, rejects_anything_but_yyyy_mm_dd) {
  for (const char* bad : {"", "tomorrow", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "01-01-2026",
                          "2026-01-01T00:00:00Z", "2026-01-01 ", " 2026-01-01", "2026-01-0a", "20260101"})
    EXPECT_FALSE(is_calendar_date(bad)) << "'" << bad << "'";
}

}  // namespace
}  // namespace domain_test
