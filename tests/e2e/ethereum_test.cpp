// Ether and USDC (an ERC-20 token) verified automatically on the real binary,
// watched through a real Ethereum node: anvil on loopback (tests/support/anvil.hpp),
// with a test ERC-20 compiled by solc-js and deployed by the test. Nothing is
// mocked: the engine reads anvil's JSON-RPC as it would read geth's.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "engine_process.hpp"
#include "support/anvil.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using test_support::anvil_chain;

// The public test mnemonic's m/44'/60'/0' account (tests/e2e/receiving_addresses_test.cpp).
const char* ethereum_xpub =
    "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt";

std::uint64_t atomic(const json& order) {
  return std::stoull(order["payment"]["amount_atomic"].get<std::string>());
}

class ethereum : public ::testing::Test {
 protected:
  anvil_chain chain_;
  std::string token_ = chain_.deploy_token();

  std::unique_ptr<engine_process> start_engine(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{{"ORDER_ENGINE_PAYMENTS_ETH_XPUB", ethereum_xpub},
                                           {"ORDER_ENGINE_PAYMENTS_ETH_RPC_URL", chain_.url()},
                                           {"ORDER_ENGINE_PAYMENTS_ETH_POLL_INTERVAL", "1s"},
                                           {"ORDER_ENGINE_PAYMENTS_ETH_CONFIRMATIONS", "2"},
                                           // USDC: ETH's node and ETH's addresses (both left empty).
                                           {"ORDER_ENGINE_PAYMENTS_USDC_TOKEN_CONTRACT", token_},
                                           {"ORDER_ENGINE_PAYMENTS_USDC_POLL_INTERVAL", "1s"},
                                           {"ORDER_ENGINE_PAYMENTS_USDC_CONFIRMATIONS", "2"}};
    for (auto& [k, v] : extra) env[k] = v;
    return std::make_unique<engine_process>(env);
  }

  static json place(const engine_process& engine, const std::string& coin = "ETH") {
    auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 2, coin));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  }
  static json view(const engine_process& engine, const json& order) {
    return engine.get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"])).data();
  }
  static json admin_view(const engine_process& engine, const json& order) {
    return engine.admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  }
  static int events_of_type(const engine_process& engine, const json& order, const std::string& type) {
    int n = 0;
    const json admin = admin_view(engine, order);  // the loop's range must outlive it
    for (const auto& e : admin["events"])
      if (e["type"] == type) ++n;
    return n;
  }
  /// The admin's exception list once it holds one (what it holds after 20 s otherwise).
  static json one_exception(const engine_process& engine) {
    json exceptions;
    eventually([&] {
      exceptions = engine.admin_get("/admin/api/payments/exceptions").data()["exceptions"];
      return exceptions.size() == 1;
    });
    return exceptions;
  }
  static json watcher(const engine_process& engine, const std::string& coin) {
    const json system = engine.admin_get("/admin/api/system").data();
    for (const auto& w : system["watchers"])
      if (w["coin"] == coin) return w;
    return json();
  }
  static bool mail_says(const engine_process& engine, const std::string& text, const std::string& number) {
    std::error_code ec;
    if (!std::filesystem::exists(engine.mail_drop(), ec)) return false;
    for (const auto& f : std::filesystem::directory_iterator(engine.mail_drop(), ec)) {
      std::ifstream in{f.path()};
      std::ostringstream body;
      body << in.rdbuf();
      if (body.str().find(text) != std::string::npos && body.str().find(number) != std::string::npos) return true;
    }
    return false;
  }

  /// Pays `order` exactly (Ether or the token), sees it detected 1/2, mines the
  /// confirming block and returns how long the order took to read "paid".
  std::chrono::milliseconds pay_and_confirm(const engine_process& engine, const json& order, std::string& txid) {
    const std::string coin = order["payment"]["method"];
    const std::string address = order["payment"]["address"];
    txid = coin == "ETH" ? chain_.pay_ether(address, order["payment"]["amount_atomic"])
                         : chain_.pay_token(token_, address, atomic(order));
    EXPECT_TRUE(eventually([&] { return view(engine, order)["payment"]["state"] == "detected"; }))
        << view(engine, order).dump();
    const json seen = view(engine, order);
    EXPECT_EQ(seen["status"], "pending");
    EXPECT_EQ(seen["payment"]["confirmations"], 1) << "mined: one confirmation";
    EXPECT_EQ(seen["payment"]["confirmations_required"], 2);
    chain_.mine(1);
    const auto mined = std::chrono::steady_clock::now();
    EXPECT_TRUE(eventually([&] { return view(engine, order)["status"] == "paid"; }, 10s)) << view(engine, order).dump();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - mined);
  }
};

TEST_F(ethereum, an_exact_ether_payment_is_detected_then_paid_once_its_confirming_block_is_mined) {
  const auto engine = start_engine();
  const json methods = engine->get("/api/payment-methods").data();
  for (const auto& m : methods) {
    if (m["code"] == "ETH" || m["code"] == "USDC") {
      EXPECT_EQ(m["verification"], "automatic") << m.dump();
    }
  }
  const json order = place(*engine);
  const std::string address = order["payment"]["address"];
  EXPECT_TRUE(order["payment"]["address_is_per_order"].get<bool>());
  EXPECT_EQ(address.rfind("0x", 0), 0u);

  std::string txid;
  const auto latency = pay_and_confirm(*engine, order, txid);
  // A figure, not a claim: how soon depends on the 1 s poll and on the
  // machine's load (under a full test run it has taken 2.5 s).
  std::cout << "[figure] ETH detection latency, confirming block to paid (1 s poll): " << latency.count() << " ms\n";
  const json paid = view(*engine, order);
  EXPECT_EQ(paid["payment"]["state"], "paid");
  EXPECT_EQ(paid["payment"]["tx_id"], txid);
  EXPECT_EQ(paid["payment"]["received_atomic"], order["payment"]["amount_atomic"]);
  const json admin = admin_view(*engine, order);
  ASSERT_EQ(admin["payments"].size(), 1u) << admin.dump();
  EXPECT_EQ(admin["payments"][0]["coin"], "ETH");
  EXPECT_EQ(admin["payments"][0]["basis"], "address");
  EXPECT_EQ(admin["payments"][0]["source"], "watcher");
  EXPECT_TRUE(eventually([&] { return mail_says(*engine, "Payment received", order["number"]); }));

  const json w = watcher(*engine, "ETH");
  EXPECT_EQ(w["state"], "up") << w.dump();
  EXPECT_EQ(w["height"].get<std::uint64_t>(), chain_.tip());
}

TEST_F(ethereum, an_exact_usdc_payment_is_detected_then_paid_once_its_confirming_block_is_mined) {
  const auto engine = start_engine();
  const json order = place(*engine, "USDC");
  EXPECT_EQ(order["payment"]["amount_atomic"], "69980000") << "$69.98 in USDC's 6 decimals";
  std::string txid;
  const auto latency = pay_and_confirm(*engine, order, txid);
  std::cout << "[figure] USDC detection latency, confirming block to paid (1 s poll): " << latency.count() << " ms\n";
  const json paid = view(*engine, order);
  EXPECT_EQ(paid["payment"]["state"], "paid");
  EXPECT_EQ(paid["payment"]["tx_id"], txid);
  const json admin = admin_view(*engine, order);
  ASSERT_EQ(admin["payments"].size(), 1u) << admin.dump();
  EXPECT_EQ(admin["payments"][0]["coin"], "USDC");
  EXPECT_EQ(admin["payments"][0]["amount_atomic"], "69980000");
  // The Ether order beside it saw nothing: a token transfer is not an Ether payment.
  const json ether_order = place(*engine);
  chain_.pay_token(token_, ether_order["payment"]["address"], atomic(ether_order));
  chain_.mine(2);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(view(*engine, ether_order)["payment"]["state"], "awaiting");
}

TEST_F(ethereum, a_short_payment_waits_for_the_rest_and_an_overpayment_owes_a_refund) {
  const auto engine = start_engine();
  const json short_order = place(*engine);
  const json over_order = place(*engine, "USDC");
  const std::uint64_t short_by = 1'000'000'000'000'000ULL;  // 0.001 ETH
  const std::uint64_t over_by = 2'500'000ULL;               // 2.50 USDC
  chain_.pay_ether(short_order["payment"]["address"], std::to_string(atomic(short_order) - short_by));
  chain_.pay_token(token_, over_order["payment"]["address"], atomic(over_order) + over_by);
  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, short_order)["payment"]["state"] == "underpaid"; }))
      << view(*engine, short_order).dump();
  const json s = view(*engine, short_order);
  EXPECT_EQ(s["status"], "pending");
  EXPECT_EQ(s["payment"]["received_atomic"], std::to_string(atomic(short_order) - short_by));
  EXPECT_EQ(s["payment"]["still_due_atomic"], std::to_string(short_by));

  ASSERT_TRUE(eventually([&] { return view(*engine, over_order)["payment"]["state"] == "overpaid"; }))
      << view(*engine, over_order).dump();
  const json o = view(*engine, over_order);
  EXPECT_EQ(o["status"], "paid");
  EXPECT_EQ(o["payment"]["refund_due_atomic"], std::to_string(over_by));

  // The rest, in a second transaction: the order is paid.
  chain_.pay_ether(short_order["payment"]["address"], std::to_string(short_by));
  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, short_order)["status"] == "paid"; }))
      << view(*engine, short_order).dump();
  EXPECT_EQ(view(*engine, short_order)["payment"]["received_atomic"], short_order["payment"]["amount_atomic"]);
}

TEST_F(ethereum, a_payment_after_the_quote_expired_is_an_exception_for_the_admin) {
  const auto engine = start_engine({{"ORDER_ENGINE_PAYMENTS_QUOTE_TTL", "2s"}});
  const json order = place(*engine);
  // Block times are whole seconds: 3.5 s puts the block's second past the expiry.
  std::this_thread::sleep_for(3500ms);
  const std::string txid = chain_.pay_ether(order["payment"]["address"], order["payment"]["amount_atomic"]);
  chain_.mine(1);
  const json exceptions = one_exception(*engine);
  // Seen once failing under load: tell an unseen payment from a counted one.
  ASSERT_EQ(exceptions.size(), 1u) << exceptions.dump() << "\norder: " << view(*engine, order).dump()
                                   << "\nwatcher: " << watcher(*engine, "ETH").dump();
  EXPECT_EQ(exceptions[0]["reason"], "quote_expired");
  EXPECT_EQ(exceptions[0]["txid"], txid);
  EXPECT_EQ(exceptions[0]["order_id"], order["id"]);
  EXPECT_EQ(exceptions[0]["coin"], "ETH");
  EXPECT_EQ(view(*engine, order)["status"], "pending");
  // The admin accepts it: assigned, the order is paid.
  const auto assigned =
      engine->post("/admin/api/payments/exceptions/" + std::to_string(exceptions[0]["id"].get<int>()) + "/assign",
                   {{"order_id", order["id"]}}, {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(view(*engine, order)["status"], "paid");
}

TEST_F(ethereum, a_reorganisation_takes_a_counted_payment_back_and_mined_again_it_counts_again) {
  const auto engine = start_engine();
  const json order = place(*engine);
  const std::string number = order["number"];
  const std::string raw = chain_.sign_ether(order["payment"]["address"], order["payment"]["amount_atomic"]);
  const std::string txid = chain_.send_raw(raw);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["payment"]["state"] == "detected"; }))
      << view(*engine, order).dump();
  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; })) << view(*engine, order).dump();
  ASSERT_TRUE(eventually([&] { return mail_says(*engine, "Payment received", number); }));

  // The payment's block and the one after it are replaced by empty blocks.
  chain_.reorg(2);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "pending"; })) << view(*engine, order).dump();
  const json back = view(*engine, order);
  EXPECT_EQ(back["payment"]["state"], "awaiting");
  EXPECT_EQ(back["payment"]["confirmations"], 0);
  EXPECT_EQ(events_of_type(*engine, order, "payment_reversed"), 1);
  EXPECT_TRUE(admin_view(*engine, order)["payments"].empty()) << admin_view(*engine, order).dump();
  EXPECT_TRUE(eventually([&] { return mail_says(*engine, "is no longer on the ETH chain", number); }))
      << "the customer, told paid, is told it is not";

  // The same signed transaction, sent again, is mined again: it counts again.
  ASSERT_EQ(chain_.send_raw(raw), txid);
  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; })) << view(*engine, order).dump();
  EXPECT_EQ(view(*engine, order)["payment"]["tx_id"], txid);
  EXPECT_EQ(events_of_type(*engine, order, "payment_received"), 2);
  EXPECT_EQ(events_of_type(*engine, order, "payment_reversed"), 1);
}

// What a watcher knew of a counted payment does not die with its process: the
// restarted watcher recalls it (from `payments`, its block from the node) and
// still takes it back when a later reorganisation removes it.
TEST_F(ethereum, a_counted_payment_a_reorganisation_removes_after_a_restart_is_still_taken_back_from_its_order) {
  const auto engine = start_engine();
  const json order = place(*engine);
  const std::string txid = chain_.pay_ether(order["payment"]["address"], order["payment"]["amount_atomic"]);
  chain_.mine(1);
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; })) << view(*engine, order).dump();
  engine->kill_hard();
  engine->start();
  ASSERT_TRUE(eventually([&] {
    const json w = watcher(*engine, "ETH");
    return w["state"] == "up" && w["height"] == chain_.tip() && w["followed"] == 1;
  })) << watcher(*engine, "ETH").dump();

  chain_.reorg(2);  // the payment's block and the next one, replaced by empty blocks
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "pending"; })) << view(*engine, order).dump();
  EXPECT_EQ(events_of_type(*engine, order, "payment_reversed"), 1);
  EXPECT_EQ(view(*engine, order)["payment"]["state"], "awaiting");
  EXPECT_TRUE(admin_view(*engine, order)["payments"].empty()) << admin_view(*engine, order).dump();
}

// An order's own address stays watched after the order closed: a customer who
// pays a cancelled order is not left unseen, the admin gets an exception
// naming the order (and refunds it).
TEST_F(ethereum, a_payment_to_a_cancelled_orders_address_reaches_the_admin_as_an_exception_naming_the_order) {
  const auto engine = start_engine();
  const json order = place(*engine);
  const auto cancelled = engine->post("/api/orders/" + order["id"].get<std::string>() + "/cancel", json::object(),
                                      bearer(order["access_token"]));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  ASSERT_TRUE(eventually([&] { return watcher(*engine, "ETH")["addresses"] == 1; }))
      << "a cancelled order's address is still looked at: " << watcher(*engine, "ETH").dump();
  const std::string txid = chain_.pay_ether(order["payment"]["address"], order["payment"]["amount_atomic"]);
  chain_.mine(1);
  const json exceptions = one_exception(*engine);
  ASSERT_EQ(exceptions.size(), 1u) << exceptions.dump();
  EXPECT_EQ(exceptions[0]["reason"], "order_cancelled");
  EXPECT_EQ(exceptions[0]["txid"], txid);
  EXPECT_EQ(exceptions[0]["order_id"], order["id"]);
  EXPECT_EQ(view(*engine, order)["status"], "cancelled");
}

TEST_F(ethereum, a_payment_made_while_the_engine_was_down_is_found_from_where_the_watcher_stopped) {
  const auto engine = start_engine();
  const json order = place(*engine);
  ASSERT_TRUE(eventually([&] {
    const json w = watcher(*engine, "ETH");
    return w["addresses"] == 1 && w["height"] == chain_.tip();
  })) << watcher(*engine, "ETH").dump();
  engine->kill_hard();

  // Paid while no engine runs, then buried deeper than a first start reads back (1,000 blocks).
  const std::string txid = chain_.pay_ether(order["payment"]["address"], order["payment"]["amount_atomic"]);
  chain_.mine(1'200);
  engine->start();
  ASSERT_TRUE(eventually([&] { return view(*engine, order)["status"] == "paid"; }, 40s)) << view(*engine, order).dump();
  EXPECT_EQ(view(*engine, order)["payment"]["tx_id"], txid);
}

TEST_F(ethereum, a_node_that_is_down_shows_on_the_system_page_while_readiness_and_checkout_stay_up) {
  const auto engine = start_engine();
  ASSERT_TRUE(eventually([&] { return watcher(*engine, "ETH")["state"] == "up"; }))
      << engine->admin_get("/admin/api/system").body;
  ASSERT_TRUE(eventually([&] { return watcher(*engine, "USDC")["state"] == "up"; }));
  chain_.stop();
  ASSERT_TRUE(eventually([&] { return watcher(*engine, "ETH")["state"] == "down"; })) << watcher(*engine, "ETH").dump();
  EXPECT_NE(watcher(*engine, "ETH")["last_error"].get<std::string>().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(engine->get("/readyz").status, 200);
  // The order's own address needs no node: checkout goes on.
  const json order = place(*engine);
  EXPECT_TRUE(order["payment"]["address_is_per_order"].get<bool>());

  chain_.start();
  ASSERT_TRUE(eventually([&] { return watcher(*engine, "ETH")["state"] == "up"; }, 40s))
      << watcher(*engine, "ETH").dump();
  EXPECT_EQ(engine->get("/readyz").status, 200);
}

// Without an account key there are no per-order addresses to watch: start-up
// says so instead of watching nothing. The URL's secret path is not repeated.
TEST(ethereum_settings, an_rpc_url_without_an_account_key_stops_start_up_and_is_not_shown) {
  const auto run = run_to_exit({{"ORDER_ENGINE_PAYMENTS_ETH_RPC_URL", "http://127.0.0.1:8545/v3/KEY0123456789abcdef"},
                                {"ORDER_ENGINE_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none"}});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("payments.ETH.rpc_url"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("needs payments.ETH.xpub"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("KEY0123456789abcdef"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace e2e
