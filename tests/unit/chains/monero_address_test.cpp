// Monero refund addresses: Monero's block base58, the network byte and the
// Keccak-256 checksum.

#include <gtest/gtest.h>

#include "chains/monero_address.hpp"

using namespace chains;

namespace {

// The Monero project's donation address (mainnet, standard).
const std::string donation =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

TEST(monero_refund_address, accepts_a_mainnet_address_trimmed_and_as_given) {
  const auto checked = check_monero_address("  " + donation + "\n", "mainnet");
  ASSERT_TRUE(checked) << checked.error().detail;
  EXPECT_EQ(*checked, donation);
  // A regtest (fakechain) wallet uses mainnet's prefixes.
  EXPECT_TRUE(check_monero_address(donation, "regtest"));
}

TEST(monero_refund_address, names_a_typo_as_a_checksum_problem) {
  std::string typo = donation;
  typo[50] = typo[50] == 'a' ? 'b' : 'a';
  const auto checked = check_monero_address(typo, "mainnet");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().problem, address_problem::checksum);
}

TEST(monero_refund_address, names_another_network) {
  const auto checked = check_monero_address(donation, "stagenet");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().problem, address_problem::network);
}

TEST(monero_refund_address, names_what_is_not_an_address_at_all_as_format) {
  for (const std::string& text : {std::string{}, donation.substr(1), donation + "1", std::string(95, '0'),
                                 std::string{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}, std::string(95, 'z')}) {
    SCOPED_TRACE(text);
    const auto checked = check_monero_address(text, "mainnet");
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().problem, address_problem::format);
  }
}

}  // namespace
