// Refunds end to end on the real engine: the customer (or the admin) gives a
// refund address, checked for the order's coin; the admin records the refund
// sent by hand from the wallet (the shop has no hot wallet); the customer is
// emailed at each step (a real SMTP server, Debian's aiosmtpd); the dashboard
// lists what is owed; KPIs count revenue net of refunds; and erasure, refused
// while the shop owes money, is allowed once the refund is settled.

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "e2e/engine_process.hpp"
#include "integration/mail/mail_test_support.hpp"

using namespace e2e;

namespace {

// BIP173's P2WPKH test vector and the EIP-55 test vector: real addresses.
const std::string btc_refund_address = "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4";
const std::string btc_refund_address_stored = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
const std::string eth_refund_address = "0x52908400098527886E0F7030069857D2E4169EE7";

std::map<std::string, std::string> smtp_env(const mail_test::smtp_sink& sink) {
  return {{"ORDER_ENGINE_MAIL_SMTP_URL", sink.url()}, {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms"}};
}

struct mail {
  std::string subject, text, html;
};

/// The customer's messages whose subject contains `needle`.
std::vector<mail> mail_about(const mail_test::smtp_sink& sink, const std::string& needle) {
  std::vector<mail> out;
  for (const auto& r : sink.messages()) {
    if (r.rcpt_tos != std::vector<std::string>{"ada@example.com"}) continue;
    auto d = mail_test::decode_file(r.file);
    const std::string subject = d.at("subject");
    if (subject.find(needle) != std::string::npos)
      out.push_back({subject, mail_test::part(d, "text/plain"), mail_test::part(d, "text/html")});
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  char day[11];
  std::strftime(day, sizeof day, "%Y-%m-%d", std::gmtime(&now));
  return day;
}

json admin_ok(const engine_process& engine, const std::string& id, const json& command) {
  const auto r = engine.admin_command(id, command);
  EXPECT_EQ(r.status, 200) << command.dump() << " -> " << r.body;
  return r.data();
}

std::string atomic_plus(const json& amount, std::uint64_t more) {
  return std::to_string(std::stoull(amount.get<std::string>()) + more);
}

/// The order numbers listed by GET /admin/api/refunds?state=...
std::vector<std::string> listed(const engine_process& engine, const std::string& state) {
  const auto r = engine.admin_get("/admin/api/refunds?state=" + state);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> numbers;
  const auto page = r.data();
  for (const auto& row : page["refunds"]) numbers.push_back(row["order_number"]);
  return numbers;
}

reply erase(const engine_process& engine, const std::string& order_id) {
  const std::string ref = engine.admin_get("/admin/api/orders/" + order_id).data()["customer"]["ref"];
  return engine.post("/admin/api/customers/" + ref + "/erase", json(nullptr), bearer(admin_token));
}

TEST(refunds, an_overpaid_order_is_refunded_to_the_customers_checked_address_with_an_email_at_each_step) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink)};
  const auto order = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 2, "BTC")).data();
  const std::string id = order["id"], number = order["number"];
  const auto token = bearer(order["access_token"]);
  const std::string path = "/api/orders/" + id;
  constexpr std::uint64_t excess = 1234;
  admin_ok(engine, id,
           {{"type", "verify_payment"},
            {"tx_id", "paid-" + id},
            {"amount_atomic", atomic_plus(order["payment"]["amount_atomic"], excess)}});

  auto view = engine.get(path, token).data();
  ASSERT_EQ(view["status"], "paid");
  EXPECT_EQ(view["payment"]["refund_due_atomic"], std::to_string(excess));
  EXPECT_EQ(view["refund"]["state"], "due");
  EXPECT_EQ(view["refund"]["due_atomic"], std::to_string(excess));
  EXPECT_EQ(view["refund"]["refunded_atomic"], "0");
  EXPECT_TRUE(view["refund"]["address"].is_null());
  EXPECT_TRUE(view["refund"]["txid"].is_null());
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "A refund is due").size() == 1; }));
  EXPECT_TRUE(contains(mail_about(sink, "A refund is due")[0].text, "0.00001234 BTC"));
  EXPECT_EQ(listed(engine, "owed"), std::vector<std::string>{number});
  EXPECT_EQ(erase(engine, id).status, 409);  // the shop owes money

  // A typo, another network's address, nothing at all: 422 naming the field, nothing changed.
  const std::string testnet_address = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7";
  for (const json& bad :
       {json("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), json(testnet_address), json(""), json(42)}) {
    const auto refused = engine.post(path + "/refund-address", {{"address", bad}}, token);
    EXPECT_EQ(refused.status, 422) << bad.dump() << " " << refused.body;
    EXPECT_EQ(refused.data()["field"], "address") << refused.body;
  }
  const auto wrong_network = engine.post(path + "/refund-address", {{"address", testnet_address}}, token);
  EXPECT_TRUE(contains(wrong_network.data()["detail"].get<std::string>(), "network")) << wrong_network.body;
  EXPECT_EQ(engine.get(path, token).data()["refund"], view["refund"]);
  // Not without the order's token.
  EXPECT_EQ(engine.post(path + "/refund-address", {{"address", btc_refund_address}}).status, 404);

  auto given = engine.post(path + "/refund-address", {{"address", btc_refund_address}}, token);
  ASSERT_EQ(given.status, 200) << given.body;
  EXPECT_EQ(given.data()["refund"]["state"], "requested");
  EXPECT_EQ(given.data()["refund"]["address"], btc_refund_address_stored);
  EXPECT_EQ(given.data()["refund"]["address_by"], "customer");
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "Your refund address").size() == 1; }));
  EXPECT_TRUE(contains(mail_about(sink, "Your refund address")[0].text, btc_refund_address_stored));
  EXPECT_EQ(listed(engine, "requested"), std::vector<std::string>{number});
  EXPECT_TRUE(listed(engine, "due").empty());

  // More than is due is refused, and changes nothing.
  const auto too_much = engine.admin_command(
      id, {{"type", "record_refund"}, {"txid", "refund-tx-too-much"}, {"amount_atomic", std::to_string(excess + 1)}});
  EXPECT_EQ(too_much.status, 422) << too_much.body;
  EXPECT_EQ(too_much.data()["field"], "amount_atomic");

  const auto refunded = admin_ok(
      engine, id, {{"type", "record_refund"}, {"txid", "refund-tx-" + id}, {"amount_atomic", std::to_string(excess)}});
  EXPECT_EQ(refunded["refund"]["state"], "refunded");
  EXPECT_EQ(refunded["refund"]["refunded_atomic"], std::to_string(excess));
  EXPECT_EQ(refunded["refund"]["outstanding_atomic"], "0");
  EXPECT_EQ(refunded["refund"]["txid"], "refund-tx-" + id);
  EXPECT_FALSE(refunded["payment"].contains("refund_due_atomic"));  // refund_due cleared
  EXPECT_EQ(refunded["status"], "paid");  // the goods still ship
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "Refund sent").size() == 1; }));
  const auto sent = mail_about(sink, "Refund sent")[0];
  for (const auto& body : {sent.text, sent.html}) {
    EXPECT_TRUE(contains(body, "refund-tx-" + id));
    EXPECT_TRUE(contains(body, "0.00001234 BTC"));
    EXPECT_TRUE(contains(body, number));
  }
  EXPECT_TRUE(listed(engine, "owed").empty());
  EXPECT_EQ(listed(engine, "refunded"), std::vector<std::string>{number});

  // An overpayment's excess was never revenue: refunding it leaves the revenue whole.
  const auto kpis = engine.admin_get("/admin/api/kpis?from=" + today() + "&to=" + today()).data();
  EXPECT_EQ(kpis["revenue_cents"], order["total_cents"]);
  EXPECT_EQ(kpis["refunded_cents"], 0);

  // Settled: erasure goes ahead and reaches the refund address; the txid (payment data) stays.
  const auto erased = erase(engine, id);
  ASSERT_EQ(erased.status, 200) << erased.body;
  const auto after = engine.admin_get("/admin/api/orders/" + id).data();
  EXPECT_EQ(after["refund"]["address"], "[erased]");
  EXPECT_EQ(after["refund"]["txid"], "refund-tx-" + id);
  EXPECT_EQ(after["refund"]["state"], "refunded");
  // The journal's copy is sealed under the destroyed key: it reads as nothing.
  for (const auto& event : after["events"])
    if (event["type"] == "refund_address_given") EXPECT_TRUE(event["data"]["address"].is_null()) << event;
  EXPECT_EQ(after.dump().find(btc_refund_address_stored), std::string::npos);
}

TEST(refunds, a_paid_order_cancelled_is_refunded_in_parts_to_an_address_the_admin_entered_and_leaves_the_revenue) {
  mail_test::smtp_sink sink;
  engine_process engine{smtp_env(sink)};
  const auto order = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 2, "ETH")).data();
  const std::string id = order["id"], number = order["number"];
  const std::string quoted = order["payment"]["amount_atomic"];
  admin_ok(engine, id, {{"type", "verify_payment"}, {"tx_id", "0xpaid" + id}, {"amount_atomic", quoted}});
  // Paid exactly: nothing is due, and the customer cannot give an address.
  EXPECT_EQ(engine.get("/api/orders/" + id, bearer(order["access_token"])).data()["refund"], json(nullptr));
  const auto nothing_due =
      engine.post("/api/orders/" + id + "/refund-address", {{"address", eth_refund_address}}, bearer(order["access_token"]));
  EXPECT_EQ(nothing_due.status, 409) << nothing_due.body;

  const auto cancelled = admin_ok(engine, id, {{"type", "cancel"}, {"reason", "out of stock"}});
  EXPECT_EQ(cancelled["refund"]["state"], "due");
  EXPECT_EQ(cancelled["refund"]["due_atomic"], quoted);
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "A refund is due").size() == 1; }));
  EXPECT_TRUE(contains(mail_about(sink, "A refund is due")[0].text, "cancelled"));
  EXPECT_EQ(erase(engine, id).status, 409);

  // A wrong EIP-55 checksum (one letter's case) is a typo: refused, nothing changed.
  std::string typo = eth_refund_address;
  typo[typo.size() - 2] = 'e';
  const auto refused = engine.admin_command(id, {{"type", "set_refund_address"}, {"address", typo}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.data()["field"], "address");
  const auto set = admin_ok(engine, id, {{"type", "set_refund_address"}, {"address", eth_refund_address}});
  EXPECT_EQ(set["refund"]["state"], "requested");
  EXPECT_EQ(set["refund"]["address"], eth_refund_address);
  EXPECT_EQ(set["refund"]["address_by"], "admin");
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "Your refund address").size() == 1; }));

  // Half now: the rest stays due, on the list and in the way of erasure.
  const auto half = std::stoull(quoted) / 2, rest = std::stoull(quoted) - half;
  const auto part = admin_ok(
      engine, id, {{"type", "record_refund"}, {"txid", "0xrefund1"}, {"amount_atomic", std::to_string(half)}});
  EXPECT_EQ(part["refund"]["state"], "requested");
  EXPECT_EQ(part["refund"]["outstanding_atomic"], std::to_string(rest));
  const auto owed = engine.admin_get("/admin/api/refunds").data()["refunds"];
  ASSERT_EQ(owed.size(), 1u);
  EXPECT_EQ(owed[0]["order_number"], number);
  EXPECT_EQ(owed[0]["outstanding_atomic"], std::to_string(rest));
  EXPECT_EQ(owed[0]["refunded_atomic"], std::to_string(half));
  EXPECT_EQ(owed[0]["payment_method"], "ETH");
  EXPECT_EQ(erase(engine, id).status, 409);
  // The same transaction again is a retry, not a second refund.
  admin_ok(engine, id, {{"type", "record_refund"}, {"txid", "0xREFUND1"}, {"amount_atomic", std::to_string(half)}});
  EXPECT_EQ(engine.admin_get("/admin/api/orders/" + id).data()["refund"]["refunded_atomic"], std::to_string(half));

  const auto done = admin_ok(
      engine, id, {{"type", "record_refund"}, {"txid", "0xrefund2"}, {"amount_atomic", std::to_string(rest)}});
  EXPECT_EQ(done["refund"]["state"], "refunded");
  EXPECT_EQ(done["refund"]["txid"], "0xrefund2");
  ASSERT_TRUE(eventually([&] { return mail_about(sink, "Refund sent").size() == 2; }));
  EXPECT_TRUE(engine.admin_get("/admin/api/refunds").data()["refunds"].empty());

  // Refunded in full: the order's revenue is gone from the KPIs.
  const auto kpis = engine.admin_get("/admin/api/kpis?from=" + today() + "&to=" + today()).data();
  EXPECT_EQ(kpis["revenue_cents"], 0);
  EXPECT_EQ(kpis["refunded_cents"], order["total_cents"]);
  EXPECT_EQ(kpis["daily"][0]["revenue_cents"], 0);
  EXPECT_EQ(erase(engine, id).status, 200);
}

TEST(refunds, the_admin_list_is_paged_and_takes_only_known_states) {
  engine_process engine;
  std::vector<std::string> numbers;
  for (int i = 0; i < 3; ++i) {
    const auto order = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 1, "BTC")).data();
    admin_ok(engine, order["id"],
             {{"type", "verify_payment"},
              {"tx_id", "tx-" + order["id"].get<std::string>()},
              {"amount_atomic", atomic_plus(order["payment"]["amount_atomic"], 10)}});
    numbers.insert(numbers.begin(), order["number"].get<std::string>());  // newest first
  }
  const auto first = engine.admin_get("/admin/api/refunds?limit=2").data();
  ASSERT_EQ(first["refunds"].size(), 2u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  const auto second =
      engine.admin_get("/admin/api/refunds?limit=2&cursor=" + first["next_cursor"].get<std::string>()).data();
  ASSERT_EQ(second["refunds"].size(), 1u);
  EXPECT_TRUE(second["next_cursor"].is_null());
  EXPECT_EQ((std::vector<std::string>{first["refunds"][0]["order_number"], first["refunds"][1]["order_number"],
                                      second["refunds"][0]["order_number"]}),
            numbers);
  EXPECT_EQ(first["refunds"][0]["due_atomic"], "10");
  EXPECT_EQ(first["refunds"][0]["state"], "due");
  EXPECT_EQ(engine.admin_get("/admin/api/refunds?state=everything").status, 422);
  EXPECT_EQ(engine.get("/admin/api/refunds").status, 401);
}

}  // namespace
