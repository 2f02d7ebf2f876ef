// Money: USD cents and exact crypto amounts, formatted and parsed without floating point.

#include <gtest/gtest.h>

#include "domain/money.hpp"

namespace domain_test {
namespace {

using namespace domain;
using rep = atomic_amount::rep;

const std::string max_38_digits(38, '9');

TEST(format_usd, shows_dollars_and_two_cent_digits) {
  EXPECT_EQ(format_usd(cents{3499}), "$34.99");
  EXPECT_EQ(format_usd(cents{0}), "$0.00");
  EXPECT_EQ(format_usd(cents{5}), "$0.05");
  EXPECT_EQ(format_usd(cents{50}), "$0.50");
  EXPECT_EQ(format_usd(cents{599}), "$5.99");
  EXPECT_EQ(format_usd(cents{5000}), "$50.00");
  EXPECT_EQ(format_usd(cents{999'999'999}), "$9999999.99");
  EXPECT_EQ(format_usd(cents{-599}), "-$5.99");
}

TEST(format_coin, shows_exactly_the_asked_decimals) {
  EXPECT_EQ(format_coin(atomic_amount{41'230'000'000ULL}, 12, 6), "0.041230");
  EXPECT_EQ(format_coin(atomic_amount{431'045'000'000ULL}, 12, 6), "0.431045");
  EXPECT_EQ(format_coin(atomic_amount{1'000'000'000'000ULL}, 12, 6), "1.000000");
  EXPECT_EQ(format_coin(atomic_amount{0}, 12, 6), "0.000000");
  EXPECT_EQ(format_coin(atomic_amount{72'053}, 8, 8), "0.00072053");
  EXPECT_EQ(format_coin(atomic_amount{1}, 8, 8), "0.00000001");
  EXPECT_EQ(format_coin(atomic_amount{2'100'000'000'000'000ULL}, 8, 8), "21000000.00000000");
  EXPECT_EQ(format_coin(atomic_amount{69'980'000}, 6, 2), "69.98");
  EXPECT_EQ(format_coin(atomic_amount{123}, 0, 0), "123");
}

TEST(format_coin, drops_digits_beyond_the_shown_decimals) {
  EXPECT_EQ(format_coin(atomic_amount{431'044'040'653ULL}, 12, 6), "0.431044");
  EXPECT_EQ(format_coin(atomic_amount{1'999'999}, 6, 0), "1");
}

TEST(format_coin, wei_beyond_64_bits) {
  const atomic_amount wei{static_cast<rep>(2'892'865'612ULL) * 1'000'000'000'000ULL};
  EXPECT_EQ(format_coin(wei, 18, 6), "2892.865612");
  EXPECT_EQ(format_coin(wei, 18, 18), "2892.865612000000000000");
}

TEST(parse_coin, reads_a_decimal_exactly) {
  EXPECT_EQ(parse_coin("0.041230000000", 12), atomic_amount{41'230'000'000ULL});
  EXPECT_EQ(parse_coin("0.041230", 12), atomic_amount{41'230'000'000ULL});
  EXPECT_EQ(parse_coin("1", 12), atomic_amount{1'000'000'000'000ULL});
  EXPECT_EQ(parse_coin("0.431045", 12), atomic_amount{431'045'000'000ULL});
  EXPECT_EQ(parse_coin("0.00072053", 8), atomic_amount{72'053});
  EXPECT_EQ(parse_coin("0.00000001", 8), atomic_amount{1});
  EXPECT_EQ(parse_coin("0", 8), atomic_amount{0});
  EXPECT_EQ(parse_coin("007.50", 2), atomic_amount{750});
  EXPECT_EQ(parse_coin("42", 0), atomic_amount{42});
  // 0.1 has no exact binary floating-point form; here it must be exact.
  EXPECT_EQ(parse_coin("0.1", 18), atomic_amount{100'000'000'000'000'000ULL});
  EXPECT_EQ(parse_coin("2892.865611927863503029", 18), atomic_amount::parse("2892865611927863503029"));
}

TEST(parse_coin, round_trips_with_format_coin) {
  for (const char* text : {"0.431045", "1.000000", "2892.865612", "0.000001", "99999999.999999"}) {
    const auto a = parse_coin(text, 18);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(format_coin(*a, 18, 6), text);
  }
}

TEST(parse_coin, rejects_more_decimals_than_the_coin_has) {
  EXPECT_EQ(parse_coin("0.0000000000001", 12), std::nullopt);
  EXPECT_EQ(parse_coin("0.000000001", 8), std::nullopt);
  EXPECT_EQ(parse_coin("1.5", 0), std::nullopt);
  EXPECT_EQ(parse_coin("0.123456789012345678", 18), atomic_amount{123'456'789'012'345'678ULL});
}

TEST(parse_coin, rejects_junk_and_negative_amounts) {
  for (const char* junk :
       {"", ".", "1.", ".5", "abc", "1,5", "1e3", " 1", "1 ", "-1", "-0.5", "+1", "1.2.3", "0x10", "1_000", "١"}) {
    EXPECT_EQ(parse_coin(junk, 12), std::nullopt) << "'" << junk << "'";
  }
}

TEST(parse_coin, rejects_amounts_too_big_to_hold) {
  // 20 whole digits + 18 decimals = 38 digits: the most an atomic amount holds.
  const auto biggest = parse_coin("99999999999999999999.999999999999999999", 18);
  ASSERT_TRUE(biggest);
  EXPECT_EQ(biggest->to_string(), max_38_digits);
  EXPECT_EQ(parse_coin("100000000000000000000", 18), std::nullopt);
  EXPECT_EQ(parse_coin(std::string(60, '9'), 0), std::nullopt);
}

TEST(atomic_amount, parses_and_prints_decimal_digits) {
  EXPECT_EQ(atomic_amount::parse("0"), atomic_amount{0});
  EXPECT_EQ(atomic_amount::parse("431045000000"), atomic_amount{431'045'000'000ULL});
  EXPECT_EQ(atomic_amount::parse("007"), atomic_amount{7});
  EXPECT_EQ(atomic_amount{0}.to_string(), "0");
  EXPECT_EQ(atomic_amount{7}.to_string(), "7");
  EXPECT_EQ(atomic_amount{static_cast<rep>(UINT64_MAX) + 1}.to_string(), "18446744073709551616");
}

TEST(atomic_amount, holds_38_digits_and_no_more) {
  const auto max = atomic_amount::parse(max_38_digits);
  ASSERT_TRUE(max);
  EXPECT_EQ(max->to_string(), max_38_digits);
  EXPECT_EQ(atomic_amount::parse("1" + std::string(37, '0'))->to_string(), "1" + std::string(37, '0'));
  EXPECT_EQ(atomic_amount::parse(std::string(39, '9')), std::nullopt);
  EXPECT_EQ(atomic_amount::parse("1" + std::string(38, '0')), std::nullopt);
}

TEST(atomic_amount, rejects_anything_but_digits) {
  for (const char* junk : {"", "-1", "+1", "1.0", "1e9", " 1", "1 ", "12a", "0x1f", "1,000"})
    EXPECT_EQ(atomic_amount::parse(junk), std::nullopt) << "'" << junk << "'";
}

TEST(atomic_amount, round_trips_through_text_across_the_range) {
  rep v = 1;
  for (int i = 0; i < 127; ++i, v = v * 2 + (i % 3 == 0 ? 1 : 0)) {
    if (atomic_amount{v}.to_string().size() > 38) break;
    EXPECT_EQ(atomic_amount::parse(atomic_amount{v}.to_string()), atomic_amount{v}) << atomic_amount{v}.to_string();
  }
}

TEST(atomic_amount, compares_and_subtracts_exactly) {
  const atomic_amount big{static_cast<rep>(UINT64_MAX) * 1000};
  const atomic_amount bigger{static_cast<rep>(UINT64_MAX) * 1000 + 1};
  EXPECT_TRUE(big < bigger);
  EXPECT_TRUE(bigger > big);
  EXPECT_NE(big, bigger);
  EXPECT_EQ(bigger - big, atomic_amount{1});
}

TEST(pow10, is_exact_up_to_38) {
  EXPECT_EQ(pow10(0), 1u);
  EXPECT_EQ(pow10(12), 1'000'000'000'000ULL);
  EXPECT_EQ(atomic_amount{pow10(38)}.to_string(), "1" + std::string(38, '0'));
}

}  // namespace
}  // namespace domain_test
