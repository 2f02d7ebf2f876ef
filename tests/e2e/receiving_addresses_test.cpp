// Per-order receiving addresses on the real binary: with payments.<CODE>.xpub
// each Bitcoin or Ethereum order is quoted its own address, derived from the
// account's public key at the next index, which the database keeps to that
// order; without one, the static address and the amount offset stay. A private
// key or seed given as the xpub stops start-up with exit 2, repeating none of it.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chains/bitcoin_receiving_account.hpp"
#include "chains/ethereum_receiving_account.hpp"
#include "engine_process.hpp"
#include "unit/chains/electrum_reference.hpp"

namespace e2e {
namespace {

// BIP39's public test mnemonic's BIP84 testnet/regtest account and Ethereum
// account: published keys of no value (never use them for money).
const char* regtest_vpub =
    "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";
const char* ethereum_xpub =
    "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";

std::string bitcoin_address(std::uint32_t index) {
  auto account = chains::bitcoin_receiving_account::from_public_key(regtest_vpub, chains::bitcoin_network::regtest);
  return account->address_at(index)->text;
}

std::string ethereum_address(std::uint32_t index) {
  return chains::ethereum_receiving_account::from_public_key(ethereum_xpub)->address_at(index)->text;
}

json place(const engine_process& engine, const std::string& method, const std::string& key = "") {
  std::map<std::string, std::string> headers;
  if (!key.empty()) headers["Idempotency-Key"] = key;
  auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 2, method), headers);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.data();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(receiving_addresses, each_bitcoin_order_is_quoted_its_own_address_from_the_vpub) {
  engine_process engine{{{"ORDER_ENGINE_PAYMENTS_BTC_XPUB", regtest_vpub},
                         {"ORDER_ENGINE_PAYMENTS_BTC_NETWORK", "regtest"}}};
  const json first = place(engine, "BTC", "first-checkout");
  const json second = place(engine, "BTC");
  for (const auto& [order, index] : {std::pair{first, 0u}, std::pair{second, 1u}}) {
    const json& pay = order["payment"];
    EXPECT_EQ(pay["address"], bitcoin_address(index)) << pay.dump();
    EXPECT_TRUE(pay["address_is_per_order"]);
    EXPECT_EQ(pay["address_index"], index);
    EXPECT_EQ(pay["uri"].get<std::string>().rfind("bitcoin:" + bitcoin_address(index) + "?amount=", 0), 0u);
  }
  EXPECT_EQ(first["payment"]["address"].get<std::string>().rfind("bcrt1q", 0), 0u);
  EXPECT_EQ(first["payment"]["amount_atomic"], second["payment"]["amount_atomic"])
      << "an address of its own needs no amount offset";

  // A retried checkout meets its order, with the same address; no index is used up.
  const json retried = place(engine, "BTC", "first-checkout");
  EXPECT_EQ(retried["id"], first["id"]);
  EXPECT_EQ(retried["payment"]["address"], first["payment"]["address"]);
  EXPECT_EQ(place(engine, "BTC")["payment"]["address_index"], 2);

  // The customer's order page shows the same.
  const auto seen = engine.get("/api/orders/" + first["id"].get<std::string>(), bearer(first["access_token"]));
  EXPECT_EQ(seen.data()["payment"]["address"], bitcoin_address(0));

  // Without a chain source the admin still verifies: the key alone watches nothing.
  for (const auto& m : engine.get("/api/payment-methods").data())
    if (m["code"] == "BTC") EXPECT_EQ(m["verification"], "manual");
}

TEST(receiving_addresses, ether_and_usdc_share_one_account_and_never_one_address) {
  engine_process engine{{{"ORDER_ENGINE_PAYMENTS_ETH_XPUB", ethereum_xpub}}};
  const json ether = place(engine, "ETH");
  const json token = place(engine, "USDC");
  EXPECT_EQ(ether["payment"]["address"], ethereum_address(0));
  EXPECT_EQ(token["payment"]["address"], ethereum_address(1));
  EXPECT_TRUE(token["payment"]["address_is_per_order"]);
  EXPECT_TRUE(contains(token["payment"]["uri"].get<std::string>(), "/transfer?address=" + ethereum_address(1)));
}

TEST(receiving_addresses, without_a_key_orders_share_the_static_address_with_different_amounts) {
  engine_process engine;
  const json a = place(engine, "BTC");
  const json b = place(engine, "BTC");
  EXPECT_EQ(a["payment"]["address"], b["payment"]["address"]);
  EXPECT_FALSE(a["payment"]["address_is_per_order"]);
  EXPECT_TRUE(a["payment"]["address_index"].is_null());
  EXPECT_NE(a["payment"]["amount_atomic"], b["payment"]["amount_atomic"]);
}

TEST(receiving_addresses, a_private_key_or_seed_as_xpub_exits_2_and_is_not_repeated) {
  // The private forms of the test mnemonic, as electrum exports them (at test time).
  auto secrets = chains_test::electrum_reference("secrets regtest");
  ASSERT_GE(secrets.size(), 2u);
  secrets.resize(2);  // the tprv and the vprv of the account
  secrets.push_back("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
  for (const auto& secret : secrets) {
    const auto run = run_to_exit({{"ORDER_ENGINE_PAYMENTS_BTC_XPUB", secret},
                                  {"ORDER_ENGINE_PAYMENTS_BTC_NETWORK", "regtest"},
                                  {"ORDER_ENGINE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none"}});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_TRUE(contains(run.output, "payments.BTC.xpub")) << run.output;
    EXPECT_TRUE(contains(run.output, "a private key or seed was given")) << run.output;
    for (std::size_t at = 0; at + 8 <= secret.size(); ++at)
      ASSERT_FALSE(contains(run.output, secret.substr(at, 8))) << "a piece of the secret shown: " << run.output;
    EXPECT_FALSE(contains(run.output, "abandon")) << run.output;
  }
}

}  // namespace
}  // namespace e2e
