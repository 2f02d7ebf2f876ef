// Refund addresses per coin: what is accepted, and what each refusal names.

#include <gtest/gtest.h>

#include <string>

#include "chains/bitcoin_address.hpp"
#include "chains/ethereum_address.hpp"
#include "chains/refund_address.hpp"

using namespace chains;

namespace {

void expect_refused(std::string_view coin, const std::string& text, bitcoin_network network, address_problem problem) {
  const auto checked = check_refund_address(coin, text, network);
  ASSERT_FALSE(checked) << coin << " " << text << " was accepted";
  EXPECT_EQ(checked.error().problem, problem) << coin << " " << text << ": " << checked.error().detail;
  EXPECT_FALSE(checked.error().detail.empty());
}

TEST(bitcoin_refund_address, accepts_every_spendable_type_of_the_shops_network) {
  const std::pair<std::string, bitcoin_address_type> mainnet[] = {
      {"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", bitcoin_address_type::p2pkh},
      {"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", bitcoin_address_type::p2sh},
      {"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", bitcoin_address_type::p2wpkh},
      {"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", bitcoin_address_type::p2wsh},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", bitcoin_address_type::p2tr},
  };
  for (const auto& [text, type] : mainnet) {
    const auto address = parse_bitcoin_address(text, bitcoin_network::mainnet);
    ASSERT_TRUE(address) << text << ": " << address.error().detail;
    EXPECT_EQ(address->type, type) << text;
    EXPECT_EQ(address->text, text);
  }
  // Upper-case bech32 (QR codes use it) is stored in lower case.
  const auto upper =
      check_refund_address("BTC", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", bitcoin_network::mainnet);
  ASSERT_TRUE(upper);
  EXPECT_EQ(*upper, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");

  const auto testnet = parse_bitcoin_address("tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl", bitcoin_network::testnet);
  ASSERT_TRUE(testnet) << testnet.error().detail;
  const auto regtest = parse_bitcoin_address("bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk", bitcoin_network::regtest);
  ASSERT_TRUE(regtest) << regtest.error().detail;
  // Testnet and regtest share base58 versions: m.../n.../2... are good on both.
  const auto legacy_test = parse_bitcoin_address("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", bitcoin_network::regtest);
  ASSERT_TRUE(legacy_test) << legacy_test.error().detail;
  EXPECT_EQ(legacy_test->type, bitcoin_address_type::p2pkh);
  const auto space_around =
      check_refund_address("BTC", " bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu\n", bitcoin_network::mainnet);
  ASSERT_TRUE(space_around);
  EXPECT_EQ(*space_around, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
}

TEST(bitcoin_refund_address, names_a_wrong_checksum) {
  const auto net = bitcoin_network::mainnet;
  expect_refused("BTC", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv", net, address_problem::checksum);
  expect_refused("BTC", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMJ", net, address_problem::checksum);
  expect_refused("BTC", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", net, address_problem::checksum);
  // A v1 address with v0's checksum (BIP350): the classic mistake bech32m exists for.
  expect_refused("BTC", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", net,
                 address_problem::checksum);
}

TEST(bitcoin_refund_address, names_the_wrong_network) {
  expect_refused("BTC", "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl", bitcoin_network::mainnet,
                 address_problem::network);
  expect_refused("BTC", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", bitcoin_network::mainnet, address_problem::network);
  expect_refused("BTC", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", bitcoin_network::testnet,
                 address_problem::network);
  expect_refused("BTC", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", bitcoin_network::testnet, address_problem::network);
  expect_refused("BTC", "bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk", bitcoin_network::testnet,
                 address_problem::network);
  const auto refused =
      check_refund_address("BTC", "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl", bitcoin_network::mainnet);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("testnet"), std::string::npos) << refused.error().detail;
}

TEST(bitcoin_refund_address, names_a_wrong_format) {
  const auto net = bitcoin_network::mainnet;
  expect_refused("BTC", "", net, address_problem::format);
  expect_refused("BTC", "hello", net, address_problem::format);
  expect_refused("BTC", "0x9858EfFD232B4033E47d90003D41EC34EcaEda94", net, address_problem::format);
  expect_refused("BTC", "ltc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", net, address_problem::format);
  expect_refused("BTC", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyU", net, address_problem::format);  // mixed case
  expect_refused("BTC", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyb", net, address_problem::format);  // 'b'
  // Witness version 2: valid bech32m, but nothing spends it yet.
  expect_refused("BTC", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", net, address_problem::format);
  // A Litecoin P2PKH (version 0x30): valid base58check, another coin.
  expect_refused("BTC", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", net, address_problem::format);
}

TEST(ethereum_address, eip55s_vectors_are_checksummed_as_published) {
  for (const std::string text :
       {"0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    const auto address = parse_ethereum_address(text);
    ASSERT_TRUE(address) << text << ": " << address.error().detail;
    // The EIP's all-caps and all-lower vectors are the checksum case of those bytes too.
    EXPECT_EQ(to_checksum_case(address->bytes), text);
  }
}

TEST(ethereum_refund_address, accepts_checksummed_and_single_case_addresses_for_eth_and_usdc) {
  for (const std::string coin : {"ETH", "USDC"}) {
    for (const std::string text :
         {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
          "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"}) {
      const auto checked = check_refund_address(coin, text, bitcoin_network::mainnet);
      ASSERT_TRUE(checked) << coin << " " << text << ": " << checked.error().detail;
      EXPECT_EQ(*checked, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") << "stored in EIP-55 case";
    }
  }
}

TEST(ethereum_refund_address, names_what_is_wrong) {
  const auto net = bitcoin_network::mainnet;
  for (const std::string coin : {"ETH", "USDC"}) {
    // One letter's case changed: a typo EIP-55 catches.
    expect_refused(coin, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", net, address_problem::checksum);
    expect_refused(coin, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", net, address_problem::format);   // 39 digits
    expect_refused(coin, "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", net, address_problem::format);    // no 0x
    expect_refused(coin, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", net, address_problem::format);  // not hex
    expect_refused(coin, "0x0000000000000000000000000000000000000000", net, address_problem::format);  // burns
    expect_refused(coin, "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", net, address_problem::format);
  }
}

TEST(refund_address, a_coin_without_a_check_says_so) {
  expect_refused("XMR",
                 "888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H",
                 bitcoin_network::mainnet, address_problem::unsupported_coin);
}

}  // namespace
