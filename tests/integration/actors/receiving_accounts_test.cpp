// payments.<CODE>.xpub as start-up reads it (assembly/receiving_accounts.cpp): a
// public key becomes an account that derives an address per order; a private key
// or seed stops start-up with a message that names the key and repeats none of it.

#include <gtest/gtest.h>

#include <string>

#include "assembly/receiving_accounts.hpp"
#include "chains/bitcoin_receiving_account.hpp"
#include "chains/ethereum_receiving_account.hpp"

namespace {

using assembly::receiving_accounts_from;

const char* regtest_vpub =
    "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";
const char* ethereum_xpub =
    "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";
// BIP32's test vector 1 master private key, and BIP39's public test mnemonic:
// published secrets of no value, shaped like what an owner could paste by mistake.
const char* vector_one_xprv =
    "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cJ3QfUQzgYp7KcQFfG4Y9kHiKbVFiHJG8bYBHMDNZpuWY2sUKzmATdH8P2bAm";
const char* test_mnemonic =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

config::coin_config coin(const std::string& code, const std::string& scheme, const std::string& xpub) {
  config::coin_config c;
  c.code = code;
  c.uri_scheme = scheme;
  c.xpub = xpub;
  return c;
}

config::payments_config shop_with(std::vector<config::coin_config> coins) {
  config::payments_config p;
  p.coins = std::move(coins);
  return p;
}

std::string refusal_of(const config::payments_config& payments) {
  try {
    receiving_accounts_from(payments);
  } catch (const config::config_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected start-up to refuse the key";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// No stretch of 8 characters of the secret appears in the text.
void expect_no_piece_of(const std::string& text, const std::string& secret) {
  for (std::size_t at = 0; at + 8 <= secret.size(); ++at)
    ASSERT_FALSE(contains(text, secret.substr(at, 8))) << "\"" << secret.substr(at, 8) << "\" shown in: " << text;
}

TEST(receiving_accounts, a_vpub_gives_bitcoin_orders_the_wallets_own_addresses) {
  auto btc = coin("BTC", "bitcoin", regtest_vpub);
  btc.network = "regtest";
  const auto accounts = receiving_accounts_from(shop_with({btc}));
  ASSERT_EQ(accounts.count("BTC"), 1u);
  const auto& account = accounts.at("BTC");
  const auto reference = chains::bitcoin_receiving_account::from_public_key(regtest_vpub, chains::bitcoin_network::regtest);
  ASSERT_TRUE(reference);
  EXPECT_EQ(account.space, "BTC");
  EXPECT_EQ(account.account_id, reference->account_id());
  EXPECT_EQ(account.address_at(0), reference->address_at(0)->text);
  EXPECT_EQ(account.address_at(7), reference->address_at(7)->text);
  EXPECT_EQ(account.address_at(0)->rfind("bcrt1q", 0), 0u);
}

TEST(receiving_accounts, a_coin_without_a_key_keeps_its_static_address) {
  EXPECT_TRUE(receiving_accounts_from(shop_with({coin("BTC", "bitcoin", ""), coin("ETH", "ethereum", "")})).empty());
}

TEST(receiving_accounts, usdc_without_a_key_of_its_own_shares_eths_account_and_indexes) {
  auto usdc = coin("USDC", "ethereum", "");
  usdc.token_contract = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
  const auto accounts = receiving_accounts_from(shop_with({coin("ETH", "ethereum", ethereum_xpub), usdc}));
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts.at("USDC").space, "ETH") << "index i of either coin is one address: one index space";
  EXPECT_EQ(accounts.at("USDC").account_id, accounts.at("ETH").account_id);
  EXPECT_EQ(accounts.at("USDC").address_at(3), accounts.at("ETH").address_at(3));
  EXPECT_EQ(accounts.at("ETH").address_at(0)->rfind("0x", 0), 0u);

  usdc.xpub = ethereum_xpub;  // the same key pasted twice is still one account
  EXPECT_EQ(receiving_accounts_from(shop_with({coin("ETH", "ethereum", ethereum_xpub), usdc})).at("USDC").space, "ETH");
}

TEST(receiving_accounts, a_private_key_or_seed_stops_start_up_and_is_not_repeated) {
  for (const std::string& secret : {std::string(vector_one_xprv), std::string(test_mnemonic)}) {
    for (const auto& [code, scheme] : {std::pair{"BTC", "bitcoin"}, {"ETH", "ethereum"}, {"XMR", "monero"}}) {
      const auto message = refusal_of(shop_with({coin(code, scheme, secret)}));
      EXPECT_TRUE(contains(message, std::string("payments.") + code + ".xpub")) << message;
      EXPECT_TRUE(contains(message, "a private key or seed was given")) << message;
      expect_no_piece_of(message, secret);
      EXPECT_FALSE(contains(message, "abandon")) << message;
    }
  }
}

TEST(receiving_accounts, a_key_of_the_wrong_network_or_kind_is_refused_by_name) {
  auto btc = coin("BTC", "bitcoin", regtest_vpub);  // network: mainnet by default
  const auto wrong_network = refusal_of(shop_with({btc}));
  EXPECT_TRUE(contains(wrong_network, "payments.BTC.xpub")) << wrong_network;
  EXPECT_TRUE(contains(wrong_network, "another network")) << wrong_network;
  expect_no_piece_of(wrong_network, regtest_vpub);

  const auto ether_key_for_bitcoin = refusal_of(shop_with({coin("BTC", "bitcoin", ethereum_xpub)}));
  EXPECT_TRUE(contains(ether_key_for_bitcoin, "zpub")) << ether_key_for_bitcoin;

  const auto typo = refusal_of(shop_with({coin("ETH", "ethereum", std::string(ethereum_xpub).substr(0, 100) + "X")}));
  EXPECT_TRUE(contains(typo, "payments.ETH.xpub")) << typo;
}

TEST(receiving_accounts, an_esplora_url_needs_the_key_whose_addresses_it_watches) {
  auto btc = coin("BTC", "bitcoin", "");
  btc.esplora_url = "http://127.0.0.1:3002";
  const auto message = refusal_of(shop_with({btc}));
  EXPECT_TRUE(contains(message, "payments.BTC.esplora_url")) << message;
  EXPECT_TRUE(contains(message, "needs payments.BTC.xpub")) << message;
}

}  // namespace
