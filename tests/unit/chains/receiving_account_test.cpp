// Per-order receiving addresses from an account's public key, compared with what Debian's
// python3-electrum derives from the same key (electrum_reference.py, run at test time),
// and with the published addresses of BIP39's test mnemonic.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chains/bitcoin_receiving_account.hpp"
#include "chains/bytes.hpp"
#include "chains/ethereum_receiving_account.hpp"
#include "electrum_reference.hpp"

using namespace chains;
using chains_test::electrum_reference;
using chains_test::electrum_reference_line;

namespace {

constexpr int compared_addresses = 20;

template <class Account>
std::vector<std::string> first_addresses(const Account& account, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    const auto address = account.address_at(static_cast<std::uint32_t>(i));
    EXPECT_TRUE(address) << address.error().detail;
    if (!address) return out;
    EXPECT_EQ(address->index, static_cast<std::uint32_t>(i));
    out.push_back(address->text);
  }
  return out;
}

void expect_same_as_electrum(const char* network_name, bitcoin_network network) {
  const auto account_key = electrum_reference_line(std::string("account-key bitcoin ") + network_name);
  ASSERT_FALSE(account_key.empty());
  const auto account = bitcoin_receiving_account::from_public_key(account_key, network);
  ASSERT_TRUE(account) << account.error().detail;
  const auto expected = electrum_reference("bitcoin-addresses " + account_key + " " + network_name + " " +
                                           std::to_string(compared_addresses));
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(compared_addresses));
  EXPECT_EQ(first_addresses(*account, compared_addresses), expected) << network_name;
}

TEST(bitcoin_receiving_account, the_first_20_mainnet_addresses_are_electrums) {
  expect_same_as_electrum("mainnet", bitcoin_network::mainnet);
}

TEST(bitcoin_receiving_account, the_first_20_testnet_and_regtest_addresses_are_electrums) {
  expect_same_as_electrum("testnet", bitcoin_network::testnet);
  expect_same_as_electrum("regtest", bitcoin_network::regtest);
}

// BIP84, "Test vectors": the account key and first receive addresses of the test mnemonic.
TEST(bitcoin_receiving_account, matches_bip84s_published_vectors) {
  const char* zpub =
      "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
  EXPECT_EQ(electrum_reference_line("account-key bitcoin mainnet"), zpub) << "the fixture derives BIP84's account";
  const auto account = bitcoin_receiving_account::from_public_key(zpub, bitcoin_network::mainnet);
  ASSERT_TRUE(account) << account.error().detail;
  EXPECT_EQ(first_addresses(*account, 2), (std::vector<std::string>{"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
                                                                    "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"}));
}

TEST(bitcoin_receiving_account, refuses_a_key_of_the_wrong_network_kind_or_level) {
  const auto zpub = electrum_reference_line("account-key bitcoin mainnet");
  const auto vpub = electrum_reference_line("account-key bitcoin testnet");
  const auto xpub = electrum_reference_line("account-key ethereum");
  ASSERT_FALSE(zpub.empty() || vpub.empty() || xpub.empty());

  const auto testnet_key_on_mainnet = bitcoin_receiving_account::from_public_key(vpub, bitcoin_network::mainnet);
  ASSERT_FALSE(testnet_key_on_mainnet);
  EXPECT_EQ(testnet_key_on_mainnet.error().problem, key_problem::wrong_network);
  const auto mainnet_key_on_regtest = bitcoin_receiving_account::from_public_key(zpub, bitcoin_network::regtest);
  ASSERT_FALSE(mainnet_key_on_regtest);
  EXPECT_EQ(mainnet_key_on_regtest.error().problem, key_problem::wrong_network);

  const auto plain_xpub = bitcoin_receiving_account::from_public_key(xpub, bitcoin_network::mainnet);
  ASSERT_FALSE(plain_xpub);
  EXPECT_EQ(plain_xpub.error().problem, key_problem::wrong_kind);
  EXPECT_NE(plain_xpub.error().detail.find("zpub"), std::string::npos) << "says what to paste instead";

  // BIP32 test vector 1's m/0H/1 is a chain key (depth 2), not an account's.
  const auto ethereum_on_chain_key = ethereum_receiving_account::from_public_key(
      "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkw"
      "Q");
  ASSERT_FALSE(ethereum_on_chain_key);
  EXPECT_EQ(ethereum_on_chain_key.error().problem, key_problem::wrong_depth);
}

// m/44'/60'/0'/0/i of the test mnemonic, as MetaMask and every BIP44 Ethereum wallet
// list them (the account xpub comes from python3-electrum, the expectation from them).
TEST(ethereum_receiving_account, matches_the_published_addresses_of_the_test_mnemonic) {
  const auto xpub = electrum_reference_line("account-key ethereum");
  ASSERT_FALSE(xpub.empty());
  const auto account = ethereum_receiving_account::from_public_key(xpub);
  ASSERT_TRUE(account) << account.error().detail;
  EXPECT_EQ(first_addresses(*account, 3), (std::vector<std::string>{"0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
                                                                    "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0",
                                                                    "0xb6716976A3ebe8D39aCEB04372f22Ff8e6802D7A"}));
}

// The same 20 from electrum's public derivation, Keccak-256 by python3-pycryptodome and
// EIP-55 in Python: an independent implementation of every step.
TEST(ethereum_receiving_account, the_first_20_addresses_are_electrums_keys_hashed_by_pycryptodome) {
  const auto xpub = electrum_reference_line("account-key ethereum");
  ASSERT_FALSE(xpub.empty());
  const auto account = ethereum_receiving_account::from_public_key(xpub);
  ASSERT_TRUE(account) << account.error().detail;
  const auto expected = electrum_reference("ethereum-addresses " + xpub + " " + std::to_string(compared_addresses));
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(compared_addresses));
  EXPECT_EQ(first_addresses(*account, compared_addresses), expected);
}

TEST(ethereum_receiving_account, refuses_a_bitcoin_segwit_key) {
  const auto zpub = electrum_reference_line("account-key bitcoin mainnet");
  const auto account = ethereum_receiving_account::from_public_key(zpub);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().problem, key_problem::wrong_kind);
}

}  // namespace

namespace {

const char* regtest_vpub =
    "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";
const char* ethereum_xpub =
    "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";

}  // namespace

// The database keeps each account's order indexes under this id: it must name the
// account (BIP32's key identifier, whose first bytes every child carries as its
// parent's fingerprint), be the same however the key is pasted, and hold no key.
TEST(receiving_account_id, is_the_account_keys_hash160_and_does_not_repeat_the_key) {
  const auto account = bitcoin_receiving_account::from_public_key(regtest_vpub, bitcoin_network::regtest);
  ASSERT_TRUE(account) << account.error().detail;
  const auto parsed = parse_extended_public_key(regtest_vpub);
  ASSERT_TRUE(parsed);
  const auto receive_chain = derive_public_child(*parsed, 0);
  ASSERT_TRUE(receive_chain);
  EXPECT_EQ(account->account_id().size(), 40u);
  EXPECT_EQ(account->account_id().substr(0, 8), to_hex(receive_chain->parent_fingerprint));
  const auto pasted_again = bitcoin_receiving_account::from_public_key(std::string(" ") + regtest_vpub + "\n",
                                                                       bitcoin_network::regtest);
  ASSERT_TRUE(pasted_again);
  EXPECT_EQ(pasted_again->account_id(), account->account_id());

  const auto ether = ethereum_receiving_account::from_public_key(ethereum_xpub);
  ASSERT_TRUE(ether) << ether.error().detail;
  EXPECT_EQ(ether->account_id().size(), 40u);
  EXPECT_NE(ether->account_id(), account->account_id());
}
