// Bitcoin verified automatically on the real binary, through the Esplora API.
//
// No Bitcoin node exists on this machine (Debian 12 ships none), so the chain
// source here is tests/support/fake_esplora.py: a small Esplora-compatible server
// on loopback that answers in the real Esplora JSON shape, whose chain the test
// drives (a payment into the mempool, blocks mined, a transaction replaced).

#include <gtest/gtest.h>

#include <string>

#include "chains/bitcoin_receiving_account.hpp"
#include "chains/esplora_client.hpp"
#include "engine_process.hpp"
#include "support/fake_esplora.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using test_support::fake_esplora;

// BIP39's public test mnemonic's BIP84 account on testnet/regtest (no value).
const char* regtest_vpub =
    "vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc";

std::string address_at(std::uint32_t index) {
  return chains::bitcoin_receiving_account::from_public_key(regtest_vpub, chains::bitcoin_network::regtest)
      ->address_at(index)
      ->text;
}

class bitcoin : public ::testing::Test {
 protected:
  fake_esplora chain_;
  engine_process engine_{{{"ORDER_ENGINE_PAYMENTS_BTC_XPUB", regtest_vpub},
                          {"ORDER_ENGINE_PAYMENTS_BTC_NETWORK", "regtest"},
                          {"ORDER_ENGINE_PAYMENTS_BTC_ESPLORA_URL", chain_.url()},
                          {"ORDER_ENGINE_PAYMENTS_BTC_POLL_INTERVAL", "200ms"},
                          {"ORDER_ENGINE_PAYMENTS_BTC_CONFIRMATIONS", "2"}}};

  json place() {
    auto r = engine_.post("/api/orders", checkout_body("HP-64XL-BLK", 2, "BTC"));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  }
  json view(const json& order) {
    return engine_.get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"])).data();
  }
  json watcher() {
    const json system = engine_.admin_get("/admin/api/system").data();
    for (const auto& w : system["watchers"])
      if (w["coin"] == "BTC") return w;
    return json();
  }
};

TEST_F(bitcoin, the_esplora_client_reads_the_api_shape_tip_transactions_and_a_vanished_one) {
  chains::esplora_client client{chains::esplora_endpoint{chain_.url()}};
  const auto start = client.tip_height();
  const auto txid = chain_.pay(address_at(5), "12345");
  auto txs = client.address_transactions(address_at(5));
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].txid, txid);
  EXPECT_FALSE(txs[0].status.confirmed);
  ASSERT_EQ(txs[0].outputs.size(), 1u);
  EXPECT_EQ(txs[0].outputs[0].address, address_at(5));
  EXPECT_EQ(txs[0].outputs[0].value.to_string(), "12345");
  EXPECT_EQ(client.address_mempool(address_at(5)).size(), 1u);
  chain_.mine(3);
  EXPECT_EQ(client.tip_height(), start + 3);
  const auto status = client.transaction_status(txid);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->confirmed);
  EXPECT_EQ(status->block_height, start + 1);
  const auto replaced = chain_.pay(address_at(6), "1");
  chain_.replace(replaced, address_at(6), "2");
  EXPECT_FALSE(client.transaction_known(replaced));
  EXPECT_TRUE(client.transaction_known(txid));
  EXPECT_THROW(client.address_transactions("not/an address"), chains::esplora_error);
}

TEST_F(bitcoin, an_exact_payment_to_the_orders_own_address_is_detected_then_paid_after_its_confirmations) {
  for (const auto& m : engine_.get("/api/payment-methods").data())
    if (m["code"] == "BTC") EXPECT_EQ(m["verification"], "automatic");
  const json order = place();
  const std::string address = order["payment"]["address"];
  EXPECT_EQ(address, address_at(0));
  EXPECT_EQ(address.rfind("bcrt1q", 0), 0u);

  chain_.pay(address, order["payment"]["amount_atomic"]);
  ASSERT_TRUE(eventually([&] { return view(order)["payment"]["state"] == "detected"; })) << view(order).dump();
  EXPECT_EQ(view(order)["payment"]["confirmations"], 0);
  EXPECT_EQ(view(order)["payment"]["confirmations_required"], 2);
  EXPECT_EQ(view(order)["status"], "pending");

  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(order)["payment"]["confirmations"] == 1; })) << view(order).dump();
  EXPECT_EQ(view(order)["status"], "pending") << "1/2 confirmations do not pay the order";

  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(order)["status"] == "paid"; })) << view(order).dump();
  EXPECT_EQ(view(order)["payment"]["state"], "paid");
  const auto admin = engine_.admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  ASSERT_EQ(admin["payments"].size(), 1u) << admin.dump();
  EXPECT_EQ(admin["payments"][0]["basis"], "address");
  EXPECT_EQ(admin["payments"][0]["source"], "watcher");

  const json w = watcher();
  EXPECT_EQ(w["state"], "up") << w.dump();
  EXPECT_GE(w["height"].get<int>(), 102);
}

TEST_F(bitcoin, a_detected_payment_replaced_by_fee_or_dropped_is_taken_back_and_its_replacement_counts) {
  const json order = place();
  const std::string address = order["payment"]["address"];
  const std::string amount = order["payment"]["amount_atomic"];
  auto payments = [&] {
    return engine_.admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data()["payments"];
  };
  auto events_of_type = [&](const std::string& type) {
    int n = 0;
    const json admin = engine_.admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
    for (const auto& e : admin["events"])
      if (e["type"] == type) ++n;
    return n;
  };

  // Paid short at first, then bumped (RBF) by a transaction paying the whole amount.
  const std::string first = chain_.pay(address, "1000");
  ASSERT_TRUE(eventually([&] { return view(order)["payment"]["state"] == "detected"; })) << view(order).dump();
  const std::string bumped = chain_.replace(first, address, amount);
  ASSERT_TRUE(eventually([&] {
    const json p = payments();
    return p.size() == 1 && p[0]["txid"] == bumped;
  })) << payments().dump();
  EXPECT_EQ(events_of_type("payment_withdrawn"), 1);
  EXPECT_EQ(view(order)["payment"]["state"], "detected");
  chain_.mine(2);
  ASSERT_TRUE(eventually([&] { return view(order)["status"] == "paid"; })) << view(order).dump();
  EXPECT_EQ(view(order)["payment"]["tx_id"], bumped);

  // Another order's payment dropped from the mempool: the order is as it was.
  const json other = place();
  const std::string dropped = chain_.pay(other["payment"]["address"], other["payment"]["amount_atomic"]);
  ASSERT_TRUE(eventually([&] { return view(other)["payment"]["state"] == "detected"; })) << view(other).dump();
  chain_.drop(dropped);
  ASSERT_TRUE(eventually([&] { return view(other)["payment"]["state"] == "awaiting"; })) << view(other).dump();
  EXPECT_EQ(view(other)["status"], "pending");
  EXPECT_EQ(view(other)["payment"]["confirmations"], 0);
}

TEST_F(bitcoin, a_source_that_is_down_shows_on_the_system_page_while_checkout_and_readiness_stay_up) {
  ASSERT_TRUE(eventually([&] { return watcher()["state"] == "up"; })) << watcher().dump();
  chain_.stop();
  ASSERT_TRUE(eventually([&] { return watcher()["state"] == "down"; })) << watcher().dump();
  EXPECT_FALSE(watcher()["last_error"].get<std::string>().empty());
  EXPECT_EQ(engine_.get("/readyz").status, 200);
  // The order's own address needs no chain source: checkout goes on.
  const json order = place();
  EXPECT_TRUE(order["payment"]["address_is_per_order"]);
  EXPECT_EQ(order["payment"]["address"], address_at(0));
}

}  // namespace
}  // namespace e2e
