// Monero, watched for real: the engine against monerod --regtest and the
// shop's VIEW-ONLY wallet behind monero-wallet-rpc (tests/integration/monero's
// harness). Each order gets a subaddress of its own; the customer's wallet pays it,
// a block is mined, and the watcher and the matcher do the rest. Nothing is mocked.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "engine_process.hpp"
#include "integration/monero/shared_network.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using monero_test::with_network;

class monero : public with_network {
 protected:
  /// An engine whose XMR is verified by the regtest network's view-only wallet. The
  /// tests share that wallet, so each engine watches an account of its own and
  /// sees only its own payments; the account's primary address is its static one.
  std::unique_ptr<engine_process> start_engine(std::map<std::string, std::string> extra = {}) {
    const auto shop = net().shop();
    const auto account = net().shop_rpc().call("create_account", {{"label", "e2e"}});
    account_address_ = account.at("address").get<std::string>();
    std::map<std::string, std::string> env{
        {"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_URL", shop.base_url},
        {"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_USER", shop.user},
        {"ORDER_ENGINE_PAYMENTS_XMR_WALLET_RPC_PASSWORD", shop.password},
        {"ORDER_ENGINE_PAYMENTS_XMR_ACCOUNT_INDEX", std::to_string(account.at("account_index").get<int>())},
        {"ORDER_ENGINE_PAYMENTS_XMR_ADDRESS", account_address_},
        {"ORDER_ENGINE_PAYMENTS_XMR_CONFIRMATIONS", "1"},
        {"ORDER_ENGINE_PAYMENTS_XMR_POLL_INTERVAL", "500ms"},
        {"ORDER_ENGINE_MAIL_DROP_DIR", mail_drop_.string()},
    };
    for (auto& [k, v] : extra) env[k] = v;
    watcher_env_ = env;
    return std::make_unique<engine_process>(env);
  }

  /// Another node of the last engine's shop: its database, master key and
  /// wallet account, with `extra` on top (each node writes its mail apart).
  std::unique_ptr<engine_process> start_node_of(const engine_process& first, std::map<std::string, std::string> extra) {
    auto env = watcher_env_;
    env["ORDER_ENGINE_DATABASE_URL"] = first.database().url();
    env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = first.master_key_file();
    env.erase("ORDER_ENGINE_MAIL_DROP_DIR");
    for (auto& [k, v] : extra) env[k] = v;
    return std::make_unique<engine_process>(env);
  }

  json place(const engine_process& engine) {
    auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 1, "XMR"));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  }

  static json view(const engine_process& engine, const json& order) {
    return engine.get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"])).data();
  }

  static bool state_is(const engine_process& engine, const json& order, const std::string& state) {
    return view(engine, order)["payment"]["state"] == state;
  }

  /// The emails the engine wrote to its drop directory, as text.
  std::vector<std::string> emails() const {
    std::vector<std::string> out;
    if (!std::filesystem::exists(mail_drop_)) return out;
    for (const auto& f : std::filesystem::directory_iterator(mail_drop_)) {
      std::ifstream in{f.path()};
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back(text.str());
    }
    return out;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(mail_drop_, ignored);
  }

  std::string account_address_;
  std::map<std::string, std::string> watcher_env_;
  std::filesystem::path mail_drop_ = std::filesystem::temp_directory_path() /
                                     ("ccc-e2e-monero-mail-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
};

std::uint64_t atomic(const json& order) {
  return std::stoull(order["payment"]["amount_atomic"].get<std::string>());
}

TEST_F(monero, an_exact_payment_to_the_orders_subaddress_is_detected_then_paid_with_the_email) {
  auto engine = start_engine();
  auto methods = engine->get("/api/payment-methods").data();
  for (const auto& m : methods) {
    if (m["code"] == "XMR") {
      EXPECT_EQ(m["verification"], "automatic");
    }
  }

  const json order = place(*engine);
  const std::string address = order["payment"]["address"];
  EXPECT_NE(address, account_address_) << "a subaddress of its own";
  EXPECT_EQ(address.front(), '8') << "a subaddress (regtest uses mainnet prefixes): " << address;
  EXPECT_TRUE(order["payment"]["address_is_per_order"].get<bool>());
  EXPECT_NE(order["payment"]["uri"].get<std::string>().find(address), std::string::npos);

  const auto sent = net().pay(address, atomic(order));
  ASSERT_TRUE(eventually([&] { return state_is(*engine, order, "detected"); }))
      << "the watcher sees the transaction in the pool: " << view(*engine, order).dump();
  json seen = view(*engine, order);
  EXPECT_EQ(seen["status"], "pending");
  EXPECT_EQ(seen["payment"]["confirmations"], 0);
  EXPECT_EQ(seen["payment"]["confirmations_required"], 1);

  net().mine(1);
  const auto mined = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; })) << view(*engine, order).dump();
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - mined);
  std::cout << "[figure] detection latency, confirming block to paid (500 ms poll): " << latency.count() << " ms\n";
  const json paid = view(*engine, order);
  EXPECT_EQ(paid["payment"]["state"], "paid");
  EXPECT_EQ(paid["payment"]["tx_id"], sent.txid);
  EXPECT_EQ(paid["payment"]["received_atomic"], order["payment"]["amount_atomic"]);

  auto admin = engine->admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  ASSERT_EQ(admin["payments"].size(), 1u);
  EXPECT_EQ(admin["payments"][0]["source"], "watcher");
  EXPECT_EQ(admin["payments"][0]["basis"], "address");
  EXPECT_EQ(admin["payments"][0]["coin"], "XMR");
  ASSERT_TRUE(eventually([&] {
    for (const auto& mail : emails())
      if (mail.find("Payment received for your") != std::string::npos &&
          mail.find(order["number"].get<std::string>()) != std::string::npos)
        return true;
    return false;
  })) << "the payment-received email";
}

TEST_F(monero, a_short_payment_waits_for_the_rest_and_an_overpayment_owes_a_refund) {
  auto engine = start_engine();
  const json short_order = place(*engine);
  const json over_order = place(*engine);
  const std::uint64_t short_by = 10'000'000'000ULL;  // 0.01 XMR
  const std::uint64_t over_by = 20'000'000'000ULL;   // 0.02 XMR
  net().pay_many({{short_order["payment"]["address"], atomic(short_order) - short_by},
                  {over_order["payment"]["address"], atomic(over_order) + over_by}});
  net().mine(1);
  ASSERT_TRUE(eventually([&] { return state_is(*engine, short_order, "underpaid"); }))
      << view(*engine, short_order).dump();
  json s = view(*engine, short_order);
  EXPECT_EQ(s["status"], "pending");
  EXPECT_EQ(s["payment"]["received_atomic"], std::to_string(atomic(short_order) - short_by));
  EXPECT_EQ(s["payment"]["still_due_atomic"], std::to_string(short_by));

  ASSERT_TRUE(eventually([&] { return state_is(*engine, over_order, "overpaid"); }))
      << view(*engine, over_order).dump();
  json o = view(*engine, over_order);
  EXPECT_EQ(o["status"], "paid");
  EXPECT_EQ(o["payment"]["refund_due_atomic"], std::to_string(over_by));

  // The rest arrives in a second transaction: the order is paid.
  net().pay(short_order["payment"]["address"], short_by);
  net().mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, short_order)["status"] == "paid"; }))
      << view(*engine, short_order).dump();
  EXPECT_EQ(view(*engine, short_order)["payment"]["received_atomic"], short_order["payment"]["amount_atomic"]);
}

TEST_F(monero, a_payment_after_the_quote_expired_is_an_exception_for_the_admin) {
  auto engine = start_engine({{"ORDER_ENGINE_PAYMENTS_QUOTE_TTL", "2s"}});
  const json order = place(*engine);
  std::this_thread::sleep_for(2500ms);
  const auto sent = net().pay(order["payment"]["address"], atomic(order));
  net().mine(1);
  json exceptions;
  ASSERT_TRUE(eventually([&] {
    exceptions = engine->admin_get("/admin/api/payments/exceptions").data()["exceptions"];
    return exceptions.size() == 1;
  })) << exceptions.dump();
  EXPECT_EQ(exceptions[0]["reason"], "quote_expired");
  EXPECT_EQ(exceptions[0]["txid"], sent.txid);
  EXPECT_EQ(exceptions[0]["order_id"], order["id"]);
  EXPECT_EQ(exceptions[0]["source"], "watcher");
  EXPECT_EQ(view(*engine, order)["status"], "pending");
  // The admin accepts it: assigned, the order is paid.
  auto assigned =
      engine->post("/admin/api/payments/exceptions/" + std::to_string(exceptions[0]["id"].get<int>()) + "/assign",
                   {{"order_id", order["id"]}}, {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(view(*engine, order)["status"], "paid");
}

TEST_F(monero, a_wallet_that_is_down_shows_on_the_system_page_while_checkout_stays_up) {
  auto engine = start_engine();
  auto watcher = [&] {
    const json system = engine->admin_get("/admin/api/system").data();
    for (const auto& w : system["watchers"])
      if (w["coin"] == "XMR") return w;
    return json();
  };
  ASSERT_TRUE(eventually([&] { return watcher()["state"] == "up"; })) << engine->admin_get("/admin/api/system").body;
  EXPECT_GT(watcher()["height"].get<int>(), 80);

  net().kill_shop_wallet_rpc();
  ASSERT_TRUE(eventually([&] { return watcher()["state"] == "down"; })) << watcher().dump();
  EXPECT_FALSE(watcher()["last_error"].get<std::string>().empty());
  EXPECT_EQ(engine->get("/readyz").status, 200);
  // Checkout goes on with the static address (and the order's amount offset).
  const json order = place(*engine);
  EXPECT_EQ(order["payment"]["address"], account_address_);
  EXPECT_FALSE(order["payment"]["address_is_per_order"].get<bool>());

  net().restart_shop_wallet_rpc();
  ASSERT_TRUE(eventually([&] { return watcher()["state"] == "up"; }, 40s)) << watcher().dump();
  // Paid to the static address with the order number as memo... a view-only wallet
  // sees no memo, so the exact amount (unique per order thanks to the offset) finds it.
  net().pay(order["payment"]["address"], atomic(order));
  net().mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; })) << view(*engine, order).dump();
  auto admin = engine->admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  EXPECT_EQ(admin["payments"][0]["basis"], "amount");
}

/// The node named on `engine`'s system page as running the Monero watcher, or "".
std::string watcher_holder(const engine_process& engine) {
  const auto reply = engine.admin_get("/admin/api/system");
  if (reply.status != 200) return "";
  const json system = reply.data();
  for (const auto& s : system["cluster"]["singletons"])
    if (s["name"] == "watcher_XMR" && s["node_live"].get<bool>()) return s["node"];
  return "";
}

TEST_F(monero, every_node_makes_subaddresses_and_a_payment_sent_while_the_watchers_node_is_dead_is_detected_once) {
  const std::map<std::string, std::string> cluster = {{"ORDER_ENGINE_CLUSTER_FAILOVER_AFTER", "3s"}};
  auto first_env = cluster;
  first_env["ORDER_ENGINE_CLUSTER_NODE_NAME"] = "node-a";
  auto first = start_engine(first_env);
  auto second_env = cluster;
  second_env["ORDER_ENGINE_CLUSTER_NODE_NAME"] = "node-b";
  auto second = start_node_of(*first, second_env);
  ASSERT_TRUE(eventually([&] { return watcher_holder(*second) == "node-a"; })) << second->admin_get("/admin/api/system").body;

  // The node that does not watch still gives the order a subaddress of its own.
  const json order = place(*second);
  ASSERT_TRUE(order["payment"]["address_is_per_order"].get<bool>()) << order.dump();
  EXPECT_NE(order["payment"]["address"], account_address_);
  first->kill_hard();
  const auto killed = std::chrono::steady_clock::now();
  const auto sent = net().pay(order["payment"]["address"], atomic(order));

  ASSERT_TRUE(eventually([&] { return watcher_holder(*second) == "node-b"; }, 30s))
      << second->admin_get("/admin/api/system").body;
  const auto takeover = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
  std::cout << "[figure] watcher taken over " << takeover.count() << " ms after kill -9 (failover_after 3 s)\n";
  EXPECT_LT(takeover, 3s + 5s) << "within cluster.failover_after, give or take a heartbeat and a lease check";
  // The block is mined once the new watcher has seen the transaction in the
  // pool: a block mined the moment after `pay` may not hold it yet, and no
  // later block would come to confirm it.
  ASSERT_TRUE(eventually([&] { return state_is(*second, order, "detected"); }, 30s)) << view(*second, order).dump();
  net().mine(1);
  ASSERT_TRUE(eventually([&] { return view(*second, order)["status"] == "paid"; }, 30s)) << view(*second, order).dump();
  std::this_thread::sleep_for(2s);  // several polls: a second count would show by now

  const auto admin = second->admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  ASSERT_EQ(admin["payments"].size(), 1u) << admin["payments"].dump();
  EXPECT_EQ(admin["payments"][0]["txid"], sent.txid);
  EXPECT_EQ(view(*second, order)["payment"]["received_atomic"], order["payment"]["amount_atomic"]) << "counted once";
  int paid_emails = 0;
  for (const auto& dir : {mail_drop_, second->mail_drop()}) {
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      std::ifstream in{f.path()};
      std::ostringstream text;
      text << in.rdbuf();
      if (text.str().find("Payment received for your") != std::string::npos &&
          text.str().find(order["number"].get<std::string>()) != std::string::npos)
        ++paid_emails;
    }
  }
  EXPECT_EQ(paid_emails, 1);
}

}  // namespace
}  // namespace e2e
