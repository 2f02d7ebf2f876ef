#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

using config::parse_rate_e8;

TEST(parse_rate_e8, is_exact) {
  EXPECT_EQ(parse_rate_e8("162.35"), 16'235'000'000);
  EXPECT_EQ(parse_rate_e8("0.00000001"), 1);
  EXPECT_EQ(parse_rate_e8("97250.00"), 9'725'000'000'000);
  EXPECT_EQ(parse_rate_e8("3412.5"), 341'250'000'000);
  EXPECT_EQ(parse_rate_e8("1"), 100'000'000);
  EXPECT_EQ(parse_rate_e8("0.1"), 10'000'000) << "0.1 has no exact binary float; here it is exact";
  EXPECT_EQ(parse_rate_e8("92233720368.54775807"), std::numeric_limits<std::int64_t>::max());
}

TEST(parse_rate_e8, refuses_what_is_not_a_plain_positive_decimal) {
  for (const char* bad : {"1e3", "-1", "1.123456789", "abc", "", "0", "0.00000000", "1.", ".5", "+1", " 1", "1 ", "1,5",
                          "1.2.3", "0x10", "92233720368.54775808", "100000000000"}) {
    EXPECT_EQ(parse_rate_e8(bad), std::nullopt) << '"' << bad << '"';
  }
}

}  // namespace
