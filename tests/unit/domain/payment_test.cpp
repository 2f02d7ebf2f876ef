// Quotes: USD -> exact atomic units, rounded up, never below the price; payment URIs.
//
// Expected values were computed by hand with exact fractions, e.g. for XMR:
//   $69.98 / $162.35 = 6998 / 16235 XMR = 0.431044040653... XMR
//   = 431044040653.07... piconero, rounded up to 6 decimals -> 0.431045 XMR = 431045000000.

#include <gtest/gtest.h>

#include "domain/money.hpp"
#include "order_fixtures.hpp"

namespace domain_test {
namespace {

using rep = atomic_amount::rep;

constexpr rep e(int n) {
  rep r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

TEST(quote_amount, xmr_example_from_the_issue) {
  const atomic_amount a = quote_amount(xmr(), cents{6998});
  EXPECT_EQ(a.to_string(), "431045000000");
  EXPECT_EQ(a, atomic_amount{431'045'000'000ULL});
  // A subaddress of its own identifies the order: the quote is the price, no offset.
  const auto q = make_quote(xmr(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60},
                            std::string{"8BxSubaddressOfOrder123"});
  EXPECT_EQ(q.amount_display, "0.431045 XMR");
  EXPECT_TRUE(q.address_is_per_order);
  EXPECT_EQ(q.address, "8BxSubaddressOfOrder123");
  EXPECT_EQ(q.uri, "monero:8BxSubaddressOfOrder123?tx_amount=0.431045&tx_description=CCC-000123");
}

TEST(make_quote, an_address_of_the_orders_own_carries_its_index_and_no_offset) {
  const auto own = make_quote(btc(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60},
                              std::string{"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"}, 0u);
  EXPECT_TRUE(own.address_is_per_order);
  EXPECT_EQ(own.address_index, 0u);
  EXPECT_EQ(own.amount, quote_amount(btc(), cents{6998}));
  EXPECT_EQ(own.uri.rfind("bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=", 0), 0u) << own.uri;
  // The shop's static address has no index: it is not one order's.
  const auto shared = make_quote(btc(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60},
                                 std::nullopt, 5u);
  EXPECT_FALSE(shared.address_index);
  EXPECT_NE(shared.amount, quote_amount(btc(), cents{6998}));
}

TEST(make_quote, static_address_adds_the_orders_offset_worth_under_a_cent) {
  // XMR at $162.35: 62 slots of 0.000001 XMR; order 123 -> 123 mod 62 = 61 steps.
  const auto q = make_quote(xmr(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_FALSE(q.address_is_per_order);
  EXPECT_EQ(q.amount, atomic_amount{431'106'000'000ULL});
  EXPECT_EQ(q.amount_display, "0.431106 XMR");
  // Order 124 is slot 0: the bare price. Two orders in a row never ask the same.
  const auto next = make_quote(xmr(), cents{6998}, order_number{"CCC-000124"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(next.amount, atomic_amount{431'045'000'000ULL});
  for (int n = 100; n < 162; ++n)
    for (int m = n + 1; m < 162; ++m)
      ASSERT_NE(make_quote(xmr(), cents{6998}, order_number{"CCC-000" + std::to_string(n)}, t0(), {}).amount,
                make_quote(xmr(), cents{6998}, order_number{"CCC-000" + std::to_string(m)}, t0(), {}).amount)
          << n << " and " << m;
}

TEST(make_quote, carries_the_coins_confirmations_and_decimals) {
  const auto q = make_quote(btc(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.confirmations_required, 2);
  EXPECT_EQ(q.decimals, 8);
}

TEST(order_sequence, is_the_number_after_the_prefix) {
  EXPECT_EQ(order_sequence(order_number{"CCC-000123"}), 123u);
  EXPECT_EQ(order_sequence(order_number{"ACME-2026-7"}), 7u);
  EXPECT_EQ(order_sequence(order_number{"CCC-"}), 0u);
  EXPECT_EQ(order_sequence(order_number{"CCC-12a"}), 0u);
}

TEST(normalize_txid, trims_and_lowers) {
  EXPECT_EQ(normalize_txid("  0xABCdef\t"), "0xabcdef");
  EXPECT_EQ(normalize_txid(" \n "), "");
}

TEST(describe_amount, keeps_every_significant_digit) {
  EXPECT_EQ(describe_amount(atomic_amount{20'000'000'000ULL}, 12, "XMR"), "0.02 XMR");
  EXPECT_EQ(describe_amount(atomic_amount{431'106'000'001ULL}, 12, "XMR"), "0.431106000001 XMR");
  EXPECT_EQ(describe_amount(atomic_amount{2'000'000'000'000ULL}, 12, "XMR"), "2 XMR");
}

TEST(payment_tolerance, is_the_basis_points_of_the_quote_rounded_down) {
  EXPECT_EQ(payment_tolerance(atomic_amount{1'000'000}, 0), atomic_amount{0});
  EXPECT_EQ(payment_tolerance(atomic_amount{1'000'000}, 50), atomic_amount{5'000});  // 0.5 %
  EXPECT_EQ(payment_tolerance(atomic_amount{19'999}, 1), atomic_amount{1});
  EXPECT_EQ(payment_tolerance(atomic_amount{1'000}, 20'000), atomic_amount{1'000}) << "clamped to 100 %";
}

TEST(quote_amount, does_not_round_an_exact_amount) {
  EXPECT_EQ(quote_amount(xmr(), cents{16235}), atomic_amount{e(12)});  // $162.35 = 1 XMR
  EXPECT_EQ(quote_amount(usdc(), cents{6998}), atomic_amount{69'980'000});
  EXPECT_EQ(quote_amount(usdc(), cents{1}), atomic_amount{10'000});
}

TEST(quote_amount, rounds_up_by_one_step_when_a_hair_over) {
  // $162.36 = 1.0000615953... XMR -> 1.000062 XMR
  EXPECT_EQ(quote_amount(xmr(), cents{16236}), atomic_amount{1'000'062'000'000ULL});
  // one cent of XMR is 0.0000615953 XMR -> 0.000062 XMR, never 0
  EXPECT_EQ(quote_amount(xmr(), cents{1}), atomic_amount{62'000'000ULL});
}

TEST(quote_amount, bitcoin_in_satoshi) {
  // 6998 / 97123.45 BTC = 0.000720527... BTC = 72052.7... sat -> 72053 sat
  // Order 121 is slot 0 of BTC's 11 offsets (121 mod 11 = 0): the bare price.
  const auto q = make_quote(btc(), cents{6998}, order_number{"CCC-000121"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.amount, atomic_amount{72'053});
  EXPECT_EQ(q.amount_display, "0.00072053 BTC");
}

TEST(quote_amount, ether_beyond_64_bits_stays_exact) {
  // $9,999,999.99 / $3,456.78 = 2892.865611927863503... ETH -> 2892.865612 ETH
  const atomic_amount a = quote_amount(eth(), cents{999'999'999});
  EXPECT_EQ(a.to_string(), "2892865612000000000000");
  EXPECT_GT(a.value(), static_cast<rep>(UINT64_MAX)) << "the point of this test is a value above 64 bits";
  const auto q = make_quote(eth(), cents{999'999'999}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.amount_display, "2892.865612 ETH");
}

TEST(quote_amount, ether_at_full_precision_is_exact_to_the_wei) {
  payment_method m = eth();
  m.quote_decimals = 18;
  // 999999999 * 10^24 / 345678000000 = 2892865611927863503028.6... wei -> rounded up
  const atomic_amount a = quote_amount(m, cents{999'999'999});
  // a * rate >= cents * 10^24 and (a - 1) * rate < cents * 10^24
  const rep needed = static_cast<rep>(999'999'999) * e(24);
  EXPECT_GE(a.value() * 345'678'000'000ULL, needed);
  EXPECT_LT((a.value() - 1) * 345'678'000'000ULL, needed);
  EXPECT_EQ(a.to_string(), "2892865611927863503029");
}

// The defining property, checked for many prices, rates and precisions with exact
// 128-bit arithmetic: the quote pays at least the price, is a whole number of
// quote steps, and is the smallest such amount.
TEST(quote_amount, is_the_smallest_step_multiple_that_covers_the_price) {
  struct coin {
    int decimals, quote_decimals;
  };
  const coin coins[] = {{12, 6}, {12, 12}, {8, 8}, {8, 5}, {18, 6}, {18, 18}, {6, 6}, {6, 2}, {0, 0}};
  const std::int64_t rates[] = {
      1, 99'999'999, 100'000'000, 16'235'000'000, 9'712'345'000'000, 345'678'000'000, 123'456'789'012'345};
  const std::int64_t prices[] = {1, 99, 599, 4999, 5000, 6998, 123'457, 999'999'999};
  for (const auto& c : coins)
    for (auto rate : rates)
      for (auto price : prices) {
        payment_method m;
        m.code = "T";
        m.decimals = c.decimals;
        m.quote_decimals = c.quote_decimals;
        m.usd_rate_e8 = rate;
        const rep a = quote_amount(m, cents{price}).value();
        const rep step = e(c.decimals - c.quote_decimals);
        // value in USD x 1e8 x 10^decimals: amount * rate vs price(cents) * 1e6 * 10^decimals
        const rep needed = static_cast<rep>(price) * e(6) * e(c.decimals);
        SCOPED_TRACE(testing::Message() << "decimals " << c.decimals << "/" << c.quote_decimals << " rate " << rate
                                        << " price " << price);
        EXPECT_EQ(a % step, 0u);
        EXPECT_GE(a * static_cast<rep>(rate), needed) << "quote below the price";
        EXPECT_LT((a - step) * static_cast<rep>(rate), needed) << "quote more than one step above the price";
      }
}

// ---- make_quote: display, memo, URI, expiry -------------------------------------------

TEST(make_quote, monero_uri_has_the_amount_and_the_order_number) {
  const auto q = make_quote(xmr(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.method, "XMR");
  EXPECT_EQ(q.address, xmr().address);
  EXPECT_EQ(q.memo, std::optional<std::string>{"CCC-000123"});
  EXPECT_EQ(q.uri, "monero:" + xmr().address + "?tx_amount=0.431106&tx_description=CCC-000123");
}

TEST(make_quote, bitcoin_uri_is_bip21_with_the_amount_in_btc) {
  const auto q = make_quote(btc(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.memo, std::nullopt) << "BTC is configured without a memo";
  // 0.00072053 BTC plus order 123's offset: 11 slots of one satoshi, 123 mod 11 = 2.
  EXPECT_EQ(q.uri, "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.00072055");
}

TEST(make_quote, ether_uri_carries_the_value_in_wei) {
  const auto q = make_quote(eth(), cents{999'999'999}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  EXPECT_EQ(q.uri, "ethereum:0x52908400098527886E0F7030069857D2E4169EE7?value=2892865612000000000000");
}

TEST(make_quote, erc20_token_uri_calls_transfer_with_a_uint256_amount) {
  const auto q = make_quote(usdc(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{60});
  // $69.98 plus order 123's offset: 10,000 slots of 0.000001 USDC, 123 mod 10,000 = 123.
  EXPECT_EQ(q.amount, atomic_amount{69'980'123});
  EXPECT_EQ(q.amount_display, "69.980123 USDC");
  EXPECT_EQ(q.uri,
            "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48/transfer"
            "?address=0x8617E340B3D01FA5F11F306F4090FD50E238070D&uint256=69980123");
}

TEST(make_quote, expires_ttl_after_now) {
  const auto q = make_quote(xmr(), cents{6998}, order_number{"CCC-000123"}, t0(), std::chrono::minutes{45});
  EXPECT_EQ(q.expires_at, t0() + std::chrono::minutes{45});
  EXPECT_EQ(to_unix_ms(q.expires_at) - to_unix_ms(t0()), 45 * 60 * 1000);
}

TEST(find_method, finds_by_exact_code) {
  const auto methods = all_methods();
  ASSERT_NE(find_method(methods, "ETH"), nullptr);
  EXPECT_EQ(find_method(methods, "ETH")->decimals, 18);
  EXPECT_EQ(find_method(methods, "eth"), nullptr);
  EXPECT_EQ(find_method(methods, "DOGE"), nullptr);
  EXPECT_EQ(find_method({}, "XMR"), nullptr);
}

}  // namespace
}  // namespace domain_test
