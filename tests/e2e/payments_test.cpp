// Payment verification through the real engine: the wallet CSV import
// and the matcher behind it, payment exceptions and the admin's assign and
// dismiss, part payments, late payments, requotes and the payment QR code.
// Chain watchers have their own suite (monero_e2e_test.cpp).

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine_process.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;

/// "431106000000" with 12 decimals -> "0.431106000000": how a wallet exports amounts.
std::string coin_text(const std::string& atomic, int decimals) {
  std::string digits = atomic;
  if (digits.size() <= static_cast<std::size_t>(decimals))
    digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
  digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  return digits;
}

std::string now_rfc3339() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

reply import_csv(const engine_process& engine, const std::string& csv) {
  return send(engine.port(), "POST", "/admin/api/payments/import", csv,
              {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "text/csv"}});
}

json exceptions(const engine_process& engine, const std::string& status = "open") {
  auto r = engine.admin_get("/admin/api/payments/exceptions?status=" + status);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.data()["exceptions"];
}

reply admin_post(const engine_process& engine, const std::string& target, const json& body) {
  return engine.post(target, body, {{"Authorization", "Bearer " + admin_token}});
}

json place(const engine_process& engine, const std::string& method = "XMR", const std::string& sku = "HP-64XL-BLK",
           int quantity = 2) {
  auto r = engine.post("/api/orders", checkout_body(sku, quantity, method));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.data();
}

json customer_view(const engine_process& engine, const json& order) {
  return engine.get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"])).data();
}

TEST(payments, a_wallet_export_pays_orders_by_memo_and_by_amount_and_lists_the_rest) {
  engine_process engine;
  const json by_memo = place(engine, "XMR");
  const json by_amount = place(engine, "BTC");
  const json waiting = place(engine, "BTC", "CANON-PG245XL-BLK", 1);
  const std::string xmr = by_memo["payment"]["amount_atomic"];
  const std::string btc = by_amount["payment"]["amount_atomic"];
  const std::string at = now_rfc3339();
  // Line numbers count the header as line 1; line 5 is a quoted memo with a comma
  // and the line 6 repeats line 2.
  const std::string csv =
      "txid,coin,amount,received_at,memo\r\n"  //
      "AA01,xmr," +
      coin_text(xmr, 12) + "," + at + "," + by_memo["number"].get<std::string>() +  //
      "\r\n"                                                                        //
      "bb02,BTC," +
      coin_text(btc, 8) + "," + at +
      ",\r\n"  //
      "cc03,BTC,0.00000777," +
      at +
      ",\r\n"  //
      "dd04,XMR,0.5," +
      at +
      ",\"gift, from a friend\"\r\n"  //
      "aa01,XMR," +
      coin_text(xmr, 12) + "," + at +
      ",again\r\n"  //
      "ee05,DOGE,1.0," +
      at +
      ",\r\n"  //
      "ff06,BTC,0.000000001," +
      at +
      ",\r\n"  //
      "gg07,BTC,0.1,yesterday,\r\n";
  auto r = import_csv(engine, csv);
  ASSERT_EQ(r.status, 200) << r.body;
  const json summary = r.data();
  EXPECT_EQ(summary["processed"], 8);
  EXPECT_EQ(summary["matched"], 2);
  EXPECT_EQ(summary["exceptions"], 2);
  EXPECT_EQ(summary["duplicates"], 1);
  ASSERT_EQ(summary["rejected"].size(), 3u) << summary.dump();
  EXPECT_EQ(summary["rejected"][0]["line"], 7);
  EXPECT_EQ(summary["rejected"][1]["line"], 8);
  EXPECT_EQ(summary["rejected"][2]["line"], 9);
  for (const auto& rejected : summary["rejected"]) EXPECT_FALSE(rejected["reason"].get<std::string>().empty());

  const json memo_view = customer_view(engine, by_memo);
  EXPECT_EQ(memo_view["status"], "paid");
  EXPECT_EQ(memo_view["payment"]["state"], "paid");
  EXPECT_EQ(memo_view["payment"]["received_atomic"], xmr);
  EXPECT_EQ(customer_view(engine, by_amount)["status"], "paid");
  EXPECT_EQ(customer_view(engine, waiting)["status"], "pending");
  auto admin = engine.admin_get("/admin/api/orders/" + by_amount["id"].get<std::string>()).data();
  ASSERT_EQ(admin["payments"].size(), 1u);
  EXPECT_EQ(admin["payments"][0]["txid"], "bb02");
  EXPECT_EQ(admin["payments"][0]["source"], "import");
  EXPECT_EQ(admin["payments"][0]["basis"], "amount");

  const json open = exceptions(engine);
  ASSERT_EQ(open.size(), 2u) << open.dump();
  std::set<std::string> txids;
  for (const auto& x : open) {
    txids.insert(x["txid"]);
    EXPECT_EQ(x["status"], "open");
    EXPECT_EQ(x["reason"], "no_reference_and_no_amount_match");
    EXPECT_TRUE(x["order_id"].is_null());
  }
  EXPECT_EQ(txids, (std::set<std::string>{"cc03", "dd04"}));
  for (const auto& x : open)
    if (x["txid"] == "dd04") {
      EXPECT_EQ(x["memo"], "gift, from a friend");
      EXPECT_EQ(x["amount_atomic"], "500000000000");
      EXPECT_EQ(x["coin"], "XMR");
    }

  // The same file again: every good row was seen before, the bad ones are still bad.
  auto again = import_csv(engine, csv).data();
  EXPECT_EQ(again["processed"], 8);
  EXPECT_EQ(again["matched"], 0);
  EXPECT_EQ(again["exceptions"], 0);
  EXPECT_EQ(again["duplicates"], 5);
  EXPECT_EQ(again["rejected"].size(), 3u);
  EXPECT_EQ(exceptions(engine).size(), 2u);
}

TEST(payments, a_file_without_the_header_is_refused_whole) {
  engine_process engine;
  auto r = import_csv(engine, "id,coin,amount\nx,XMR,1\n");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.data()["type"], "validation");
  EXPECT_EQ(r.data()["field"], "header");
  auto json_body = admin_post(engine, "/admin/api/payments/import", json::object());
  EXPECT_EQ(json_body.status, 415);
  auto anonymous = send(engine.port(), "POST", "/admin/api/payments/import", "txid,coin,amount,received_at,memo\n",
                        {{"Content-Type", "text/csv"}});
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_TRUE(exceptions(engine).empty());
}

TEST(payments, the_admin_assigns_an_exception_to_an_order_and_dismisses_another) {
  engine_process engine;
  const json order = place(engine, "BTC");
  const std::string quoted = order["payment"]["amount_atomic"];
  const std::string part = std::to_string(std::stoull(quoted) - 5000);
  const std::string at = now_rfc3339();
  // A short payment without a reference cannot be matched by amount: an exception.
  auto r = import_csv(engine, "txid,coin,amount,received_at,memo\nshort1,BTC," + coin_text(part, 8) + "," + at +
                                  ",\nstray2,BTC,0.01," + at + ",\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["exceptions"], 2);
  json open = exceptions(engine);
  ASSERT_EQ(open.size(), 2u);
  std::int64_t short_id = 0, stray_id = 0;
  for (const auto& x : open) (x["txid"] == "short1" ? short_id : stray_id) = x["id"].get<std::int64_t>();

  const std::string base = "/admin/api/payments/exceptions/";
  auto bad_order = admin_post(engine, base + std::to_string(short_id) + "/assign", {{"order_id", "nope"}});
  EXPECT_EQ(bad_order.status, 422);
  EXPECT_EQ(bad_order.data()["field"], "order_id");
  auto assigned = admin_post(engine, base + std::to_string(short_id) + "/assign", {{"order_id", order["id"]}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(assigned.data()["status"], "resolved");
  EXPECT_EQ(assigned.data()["order_id"], order["id"]);
  // The matcher's amount rules apply: short, so the order waits for the rest.
  json view = customer_view(engine, order);
  EXPECT_EQ(view["status"], "pending");
  EXPECT_EQ(view["payment"]["state"], "underpaid");
  EXPECT_EQ(view["payment"]["received_atomic"], part);
  EXPECT_EQ(view["payment"]["still_due_atomic"], "5000");
  auto twice = admin_post(engine, base + std::to_string(short_id) + "/assign", {{"order_id", order["id"]}});
  EXPECT_EQ(twice.status, 409);

  auto no_reason = admin_post(engine, base + std::to_string(stray_id) + "/dismiss", json::object());
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_EQ(no_reason.data()["field"], "reason");
  auto dismissed = admin_post(engine, base + std::to_string(stray_id) + "/dismiss", {{"reason", "test transfer"}});
  ASSERT_EQ(dismissed.status, 200) << dismissed.body;
  EXPECT_EQ(dismissed.data()["status"], "dismissed");
  EXPECT_EQ(dismissed.data()["resolution"], "test transfer");
  EXPECT_FALSE(dismissed.data()["resolved_by"].get<std::string>().empty());
  EXPECT_EQ(admin_post(engine, base + std::to_string(stray_id) + "/dismiss", {{"reason", "again"}}).status, 409);
  EXPECT_EQ(admin_post(engine, base + "999999/dismiss", {{"reason", "x"}}).status, 404);

  // Both stay listed, under their new status.
  EXPECT_TRUE(exceptions(engine, "open").empty());
  ASSERT_EQ(exceptions(engine, "resolved").size(), 1u);
  EXPECT_EQ(exceptions(engine, "resolved")[0]["txid"], "short1");
  ASSERT_EQ(exceptions(engine, "dismissed").size(), 1u);
  EXPECT_EQ(engine.admin_get("/admin/api/payments/exceptions?status=lost").status, 422);

  // The rest, paid with the order number as memo, completes the order.
  auto rest = import_csv(engine, "txid,coin,amount,received_at,memo\nrest3,BTC,0.00005000," + now_rfc3339() + "," +
                                     order["number"].get<std::string>() + "\n");
  EXPECT_EQ(rest.data()["matched"], 1) << rest.body;
  view = customer_view(engine, order);
  EXPECT_EQ(view["status"], "paid");
  EXPECT_EQ(view["payment"]["received_atomic"], quoted);
}

TEST(payments, a_late_payment_is_an_exception_and_an_expired_quote_can_be_renewed) {
  engine_process engine{{{"ORDER_ENGINE_PAYMENTS_QUOTE_TTL", "2s"}}};
  const json order = place(engine, "XMR");
  const std::string id = order["id"];
  auto early = engine.post("/api/orders/" + id + "/requote", json::object(), bearer(order["access_token"]));
  EXPECT_EQ(early.status, 409) << "the quote is still valid";
  // Past the expiry even with received_at rounded down to whole seconds.
  std::this_thread::sleep_for(3200ms);

  auto r = import_csv(engine, "txid,coin,amount,received_at,memo\nlate1,XMR," +
                                  coin_text(order["payment"]["amount_atomic"], 12) + "," + now_rfc3339() + "," +
                                  order["number"].get<std::string>() + "\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.data()["exceptions"], 1);
  const json open = exceptions(engine);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["reason"], "quote_expired");
  EXPECT_EQ(open[0]["order_id"], id);
  EXPECT_EQ(customer_view(engine, order)["status"], "pending");

  // A fresh order whose quote expired with nothing paid gets a new quote.
  const json unpaid = place(engine, "XMR");
  std::this_thread::sleep_for(2500ms);
  auto requoted = engine.post("/api/orders/" + unpaid["id"].get<std::string>() + "/requote", json::object(),
                              bearer(unpaid["access_token"]));
  ASSERT_EQ(requoted.status, 200) << requoted.body;
  EXPECT_EQ(requoted.data()["number"], unpaid["number"]);
  EXPECT_GT(requoted.data()["payment"]["expires_at"].get<std::string>(),
            unpaid["payment"]["expires_at"].get<std::string>());
  auto wrong_token = engine.post("/api/orders/" + unpaid["id"].get<std::string>() + "/requote", json::object(),
                                 bearer(order["access_token"]));
  EXPECT_EQ(wrong_token.status, 404);
}

TEST(payments, a_part_payment_not_completed_in_time_becomes_an_exception_and_a_message) {
  engine_process engine{{{"ORDER_ENGINE_PAYMENTS_QUOTE_TTL", "2s"}, {"ORDER_ENGINE_TIMERS_POLL_INTERVAL", "100ms"}}};
  const json order = place(engine, "XMR");
  const std::string id = order["id"];
  auto part = engine.admin_command(id, {{"type", "verify_payment"}, {"tx_id", "p1"}, {"amount_atomic", "1000000"}});
  ASSERT_EQ(part.status, 200) << part.body;
  EXPECT_EQ(part.data()["payment"]["state"], "underpaid");
  ASSERT_TRUE(eventually([&] { return exceptions(engine).size() == 1; })) << "the quote expiry raises it";
  const json x = exceptions(engine)[0];
  EXPECT_EQ(x["reason"], "underpaid_expired");
  EXPECT_EQ(x["order_id"], id);
  EXPECT_EQ(x["amount_atomic"], "1000000");
  auto admin = engine.admin_get("/admin/api/orders/" + id).data();
  bool expired = false;
  for (const auto& e : admin["events"])
    if (e["type"] == "underpayment_expired") {
      expired = true;
      EXPECT_NE(e["data"]["message"].get<std::string>().find("0.000001 XMR"), std::string::npos) << e.dump();
    }
  EXPECT_TRUE(expired);
  EXPECT_EQ(admin["status"], "pending") << "money received is never cancelled away";
  // The order is paid in part: it cannot be requoted, and its exception cannot be assigned elsewhere.
  EXPECT_EQ(engine.post("/api/orders/" + id + "/requote", json::object(), bearer(order["access_token"])).status, 409);
  EXPECT_EQ(admin_post(engine, "/admin/api/payments/exceptions/" + std::to_string(x["id"].get<int>()) + "/assign",
                       {{"order_id", id}})
                .status,
            409);
  // The customer sends the rest after all: the order is paid and its exception settled with it.
  const std::string rest = std::to_string(std::stoull(order["payment"]["amount_atomic"].get<std::string>()) - 1000000);
  auto paid = engine.admin_command(id, {{"type", "verify_payment"}, {"tx_id", "p2"}, {"amount_atomic", rest}});
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.data()["status"], "paid");
  EXPECT_TRUE(exceptions(engine, "open").empty());
  const json settled = exceptions(engine, "resolved");
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(settled[0]["id"], x["id"]);
  EXPECT_EQ(settled[0]["resolved_by"], "order");
}

TEST(payments, the_payment_qr_code_is_an_svg_for_the_orders_own_customer) {
  engine_process engine;
  const json order = place(engine, "XMR");
  const std::string target = "/api/orders/" + order["id"].get<std::string>() + "/payment-qr.svg";
  auto r = engine.get(target + "?token=" + order["access_token"].get<std::string>());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "image/svg+xml");
  EXPECT_EQ(r.body.rfind("<svg", 0), 0u);
  EXPECT_NE(r.body.find("<title>QR code</title>"), std::string::npos);
  EXPECT_EQ(engine.get(target).status, 404);
  EXPECT_EQ(engine.get(target + "?token=wrong").status, 404);
}

TEST(payments, quotes_on_a_static_address_differ_between_orders) {
  engine_process engine;
  std::set<std::string> amounts;
  for (int i = 0; i < 5; ++i) amounts.insert(place(engine, "XMR")["payment"]["amount_atomic"].get<std::string>());
  EXPECT_EQ(amounts.size(), 5u) << "the same basket, five different amounts";
}

}  // namespace
}  // namespace e2e
