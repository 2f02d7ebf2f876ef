// No hot wallet: every form of a private key or a seed is refused with its own error
// (key_problem::secret_given, on which start-up exits 2), and the error holds nothing of
// the secret. The secrets are those of BIP39's public test mnemonic, made by
// python3-electrum at test time.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chains/bitcoin_receiving_account.hpp"
#include "chains/ethereum_receiving_account.hpp"
#include "chains/extended_public_key.hpp"
#include "chains/secret_screen.hpp"
#include "electrum_reference.hpp"

using namespace chains;

namespace {

// Neither the secret nor any 8 characters of it in a row (one word of a seed phrase
// alone is no secret, so words are checked whole only with the phrase).
void expect_no_trace_of(const std::string& secret, const std::string& message) {
  EXPECT_EQ(message.find(secret), std::string::npos);
  if (secret.find(' ') != std::string::npos) return;
  for (std::size_t i = 0; i + 8 <= secret.size(); ++i) {
    EXPECT_EQ(message.find(secret.substr(i, 8)), std::string::npos) << "the message repeats part of the secret";
  }
}

void expect_refused_as_secret(const std::string& secret) {
  SCOPED_TRACE("secret #" + std::to_string(secret.size()) + " characters");  // never print the secret itself
  EXPECT_TRUE(looks_like_a_secret(secret));
  const auto as_key = parse_extended_public_key(secret);
  ASSERT_FALSE(as_key);
  EXPECT_EQ(as_key.error().problem, key_problem::secret_given);
  EXPECT_EQ(as_key.error().detail, "a private key or seed was given; paste the account's extended public key");
  expect_no_trace_of(secret, as_key.error().detail);

  const auto as_bitcoin = bitcoin_receiving_account::from_public_key(secret, bitcoin_network::mainnet);
  ASSERT_FALSE(as_bitcoin);
  EXPECT_EQ(as_bitcoin.error().problem, key_problem::secret_given);
  expect_no_trace_of(secret, as_bitcoin.error().detail);

  const auto as_ethereum = ethereum_receiving_account::from_public_key(secret);
  ASSERT_FALSE(as_ethereum);
  EXPECT_EQ(as_ethereum.error().problem, key_problem::secret_given);
  expect_no_trace_of(secret, as_ethereum.error().detail);
}

// Lines of `electrum_reference.py secrets`: xprv/tprv, zprv/vprv, WIF compressed,
// WIF uncompressed, "p2wpkh:" + WIF, raw hex key, seed phrase.
TEST(secret_refusal, every_private_form_of_a_mainnet_wallet_is_refused) {
  const auto secrets = chains_test::electrum_reference("secrets mainnet");
  ASSERT_EQ(secrets.size(), 7u);
  EXPECT_EQ(secrets[0].substr(0, 4), "xprv");
  EXPECT_EQ(secrets[1].substr(0, 4), "zprv");
  for (const auto& secret : secrets) expect_refused_as_secret(secret);
}

TEST(secret_refusal, every_private_form_of_a_testnet_wallet_is_refused) {
  const auto secrets = chains_test::electrum_reference("secrets testnet");
  ASSERT_EQ(secrets.size(), 7u);
  EXPECT_EQ(secrets[0].substr(0, 4), "tprv");
  EXPECT_EQ(secrets[1].substr(0, 4), "vprv");
  for (const auto& secret : secrets) expect_refused_as_secret(secret);
}

TEST(secret_refusal, a_mistyped_or_reformatted_secret_is_still_refused) {
  const auto secrets = chains_test::electrum_reference("secrets mainnet");
  ASSERT_EQ(secrets.size(), 7u);
  for (std::size_t i : {0, 1, 2, 3}) {
    std::string typo = secrets[i];
    typo[20] = typo[20] == 'a' ? 'b' : 'a';  // the checksum no longer matches
    expect_refused_as_secret(typo);
  }
  expect_refused_as_secret("0x" + secrets[5]);         // the raw key as Ethereum tools print it
  expect_refused_as_secret("  " + secrets[6] + "\n");  // the seed with the paste's whitespace
  std::string numbered;                                // "1. abandon 2. abandon ..."
  int n = 0;
  for (std::size_t start = 0; start < secrets[6].size();) {
    auto end = secrets[6].find(' ', start);
    if (end == std::string::npos) end = secrets[6].size();
    numbered += std::to_string(++n) + ". " + secrets[6].substr(start, end - start) + "\n";
    start = end + 1;
  }
  expect_refused_as_secret(numbered);
  // A 24-word BIP39 phrase (its checksum is not checked: any such paste is a secret).
  std::string long_phrase;
  for (int i = 0; i < 23; ++i) long_phrase += "zoo ";
  expect_refused_as_secret(long_phrase + "vote");
}

TEST(secret_refusal, public_keys_and_ordinary_mistakes_are_not_taken_for_secrets) {
  for (const std::string text :
       {"zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZY"
        "s",
        "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet"
        "8",
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", "my zpub is lost", ""}) {
    EXPECT_FALSE(looks_like_a_secret(text)) << text;
  }
}

}  // namespace
