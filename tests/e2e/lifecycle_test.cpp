// End to end: the real binary, the real database, HTTP on loopback.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

class lifecycle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = new engine_process(); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static engine_process& engine() { return *engine_; }

  /// Checks out one order and returns the 201 body.
  json place(const json& body = checkout_body(), const std::map<std::string, std::string>& headers = {}) {
    auto r = engine().post("/api/orders", body, headers);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  }

  json command(const json& order, const json& cmd, int expected_status = 200) {
    auto r = engine().admin_command(order["id"], cmd);
    EXPECT_EQ(r.status, expected_status) << cmd.dump() << " -> " << r.body;
    return r.data();
  }

  static std::size_t admin_order_count() {
    auto r = engine().admin_get("/admin/api/orders?limit=500");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.data()["orders"].size();
  }

  static engine_process* engine_;
};

engine_process* lifecycle::engine_ = nullptr;

TEST_F(lifecycle, catalog_and_payment_methods_are_served) {
  auto products = engine().get("/api/products");
  ASSERT_EQ(products.status, 200);
  auto list = products.data();
  ASSERT_GE(list.size(), 12u);
  EXPECT_EQ(list[0]["sku"], "HP-64XL-BLK");
  EXPECT_EQ(list[0]["price_cents"], 3499);
  for (const auto& p : list) {
    EXPECT_EQ(engine().get(p["image_url"].get<std::string>()).status, 200) << p["image_url"];
  }
  auto one = engine().get("/api/products/HP-64XL-BLK");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.data()["name"], list[0]["name"]);
  EXPECT_EQ(engine().get("/api/products/NO-SUCH").status, 404);
  auto methods = engine().get("/api/payment-methods").data();
  std::set<std::string> codes;
  for (const auto& m : methods) {
    codes.insert(m["code"]);
    EXPECT_EQ(m["verification"], "manual");
  }
  EXPECT_EQ(codes, (std::set<std::string>{"XMR", "BTC", "ETH", "USDC"}));
}

TEST_F(lifecycle, checkout_prices_from_the_catalog_and_returns_instructions) {
  auto body = checkout_body("HP-64XL-BLK", 2);
  body["items"][0]["unit_price_cents"] = 1;  // ignored: prices come from the catalog
  auto order = place(body);
  EXPECT_EQ(order["status"], "pending");
  EXPECT_EQ(order["items"][0]["unit_price_cents"], 3499);
  EXPECT_EQ(order["items"][0]["line_total_cents"], 6998);
  EXPECT_EQ(order["subtotal_cents"], 6998);
  EXPECT_EQ(order["shipping_cents"], 0);
  EXPECT_EQ(order["total_cents"], 6998);
  EXPECT_TRUE(order["number"].get<std::string>().rfind("CCC-", 0) == 0) << order["number"];
  EXPECT_FALSE(order["access_token"].get<std::string>().empty());
  const auto& pay = order["payment"];
  EXPECT_EQ(pay["method"], "XMR");
  EXPECT_EQ(pay["memo"], order["number"]);
  EXPECT_TRUE(pay["uri"].get<std::string>().rfind("monero:" + pay["address"].get<std::string>(), 0) == 0);
  EXPECT_TRUE(pay["amount_display"].get<std::string>().find(" XMR") != std::string::npos);
  EXPECT_FALSE(pay["expires_at"].get<std::string>().empty());

  auto seen = engine().get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"]));
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto view = seen.data();
  EXPECT_EQ(view["id"], order["id"]);
  EXPECT_FALSE(view.contains("access_token"));
  EXPECT_EQ(view["payment"]["amount_atomic"], pay["amount_atomic"]);
  ASSERT_EQ(view["timeline"].size(), 1u);
  EXPECT_EQ(view["timeline"][0]["status"], "pending");

  // The email link form: ?token=
  auto by_link = engine().get("/api/orders/" + order["id"].get<std::string>() +
                              "?token=" + order["access_token"].get<std::string>());
  EXPECT_EQ(by_link.status, 200);
}

TEST_F(lifecycle, admin_drives_an_order_from_pending_to_delivered_and_the_customer_reviews) {
  auto order = place();
  const std::string id = order["id"];
  const std::string token = order["access_token"];
  auto paid = command(
      order,
      {{"type", "verify_payment"}, {"tx_id", "a1b2c3-" + id}, {"amount_atomic", order["payment"]["amount_atomic"]}});
  EXPECT_EQ(paid["status"], "paid");
  EXPECT_EQ(command(order, {{"type", "start_processing"}})["status"], "processing");
  auto shipped = command(order, {{"type", "ship"},
                                 {"carrier", "UPS"},
                                 {"tracking_number", "1Z999AA10123456784"},
                                 {"estimated_delivery", "2026-12-03"}});
  EXPECT_EQ(shipped["status"], "shipped");
  EXPECT_EQ(command(order, {{"type", "mark_delivered"}})["status"], "delivered");

  auto review =
      engine().post("/api/orders/" + id + "/review", {{"rating", 5}, {"text", "Prints like new."}}, bearer(token));
  ASSERT_EQ(review.status, 200) << review.body;
  EXPECT_EQ(review.data()["review"]["rating"], 5);
  auto again = engine().post("/api/orders/" + id + "/review", {{"rating", 4}, {"text", "x"}}, bearer(token));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.data()["type"], "invalid_transition");

  auto view = engine().get("/api/orders/" + id, bearer(token)).data();
  std::vector<std::string> statuses;
  for (const auto& t : view["timeline"]) statuses.push_back(t["status"]);
  EXPECT_EQ(statuses, (std::vector<std::string>{"pending", "paid", "processing", "shipped", "delivered"}));
  EXPECT_EQ(view["shipment"]["carrier"], "UPS");
  EXPECT_EQ(view["shipment"]["tracking_number"], "1Z999AA10123456784");
  EXPECT_EQ(view["shipment"]["estimated_delivery"], "2026-12-03");
  EXPECT_NE(view["shipment"]["tracking_url"].get<std::string>().find("1Z999AA10123456784"), std::string::npos);

  auto admin = engine().admin_get("/admin/api/orders/" + id);
  ASSERT_EQ(admin.status, 200) << admin.body;
  auto full = admin.data();
  EXPECT_EQ(full["customer"]["name"], "Ada Lovelace");
  EXPECT_EQ(full["customer"]["email"], "ada@example.com");
  EXPECT_EQ(full["shipping"]["city"], "Cleveland");
  std::vector<std::string> types;
  for (const auto& e : full["events"]) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"order_placed", "payment_received", "payment_verified",
                                             "processing_started", "order_shipped", "order_delivered", "review_left"}));
  // Events carry no personal data.
  EXPECT_EQ(full["events"].dump().find("Lovelace"), std::string::npos);
  EXPECT_EQ(full["events"].dump().find("ada@example.com"), std::string::npos);
}

TEST_F(lifecycle, transitions_the_status_does_not_allow_are_409_and_change_nothing) {
  auto order = place();
  auto r = command(
      order, {{"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", "1"}, {"estimated_delivery", "2026-12-03"}},
      409);
  EXPECT_EQ(r["type"], "invalid_transition");
  command(order, {{"type", "mark_delivered"}}, 409);
  command(order, {{"type", "start_processing"}}, 409);
  auto view = engine().get("/api/orders/" + order["id"].get<std::string>(), bearer(order["access_token"])).data();
  EXPECT_EQ(view["status"], "pending");
  EXPECT_EQ(view["timeline"].size(), 1u);
  // Notes are allowed in any status and do not change it.
  EXPECT_EQ(command(order, {{"type", "add_note"}, {"text", "called the customer"}})["status"], "pending");
}

TEST_F(lifecycle, short_payment_waits_for_the_rest_and_an_overpayment_is_paid_with_refund_due) {
  auto order = place();
  const std::string id = order["id"];
  const std::string quoted = order["payment"]["amount_atomic"];
  auto short_amount = std::to_string(std::stoull(quoted) - 1);
  auto part = command(order, {{"type", "verify_payment"}, {"tx_id", "T1-" + id}, {"amount_atomic", short_amount}});
  EXPECT_EQ(part["status"], "pending");
  EXPECT_EQ(part["payment"]["state"], "underpaid");
  EXPECT_EQ(part["payment"]["received_atomic"], short_amount);
  EXPECT_EQ(part["payment"]["still_due_atomic"], "1");
  // The same transaction entered again (in another case) counts once.
  auto again = command(order, {{"type", "verify_payment"}, {"tx_id", "t1-" + id}, {"amount_atomic", short_amount}});
  EXPECT_EQ(again["payment"]["received_atomic"], short_amount);
  auto paid = command(order, {{"type", "verify_payment"}, {"tx_id", "t2-" + id}, {"amount_atomic", "1001"}});
  EXPECT_EQ(paid["status"], "paid");
  EXPECT_EQ(paid["payment"]["state"], "overpaid");
  EXPECT_EQ(paid["payment"]["refund_due_atomic"], "1000");
  EXPECT_EQ(paid["payment"]["received_atomic"], std::to_string(std::stoull(quoted) + 1000));
  auto admin = engine().admin_get("/admin/api/orders/" + id).data();
  ASSERT_EQ(admin["payments"].size(), 2u);
  EXPECT_EQ(admin["payments"][0]["txid"], "t1-" + id);
  EXPECT_EQ(admin["payments"][0]["source"], "admin");
  EXPECT_EQ(admin["payments"][0]["amount_atomic"], short_amount);
  // A transaction counted for one order cannot pay another.
  auto other = place();
  auto r = command(other, {{"type", "verify_payment"}, {"tx_id", "t2-" + id}, {"amount_atomic", "1001"}}, 409);
  EXPECT_EQ(r["type"], "duplicate_payment");
  EXPECT_EQ(r["field"], "tx_id");
}

TEST_F(lifecycle, customer_cancels_a_pending_order_but_not_a_paid_one) {
  auto order = place();
  const std::string id = order["id"];
  auto cancelled = engine().post("/api/orders/" + id + "/cancel", json::object(), bearer(order["access_token"]));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.data()["status"], "cancelled");

  auto other = place();
  command(other, {{"type", "verify_payment"},
                  {"tx_id", "tx-" + other["id"].get<std::string>()},
                  {"amount_atomic", other["payment"]["amount_atomic"]}});
  auto refused = engine().post("/api/orders/" + other["id"].get<std::string>() + "/cancel", json::object(),
                               bearer(other["access_token"]));
  EXPECT_EQ(refused.status, 409);
  // The admin can, with a reason.
  command(other, {{"type", "cancel"}}, 422);
  EXPECT_EQ(command(other, {{"type", "cancel"}, {"reason", "customer asked by phone"}})["status"], "cancelled");
}

TEST_F(lifecycle, customer_can_claim_a_payment) {
  auto order = place();
  auto r = engine().post("/api/orders/" + order["id"].get<std::string>() + "/payment-claim", {{"tx_id", "abc123"}},
                         bearer(order["access_token"]));
  ASSERT_EQ(r.status, 200) << r.body;
  auto admin = engine().admin_get("/admin/api/orders/" + order["id"].get<std::string>()).data();
  EXPECT_EQ(admin["payment_claims"], json::array({"abc123"}));
}

TEST_F(lifecycle, wrong_token_and_unknown_order_both_answer_404) {
  auto order = place();
  const std::string id = order["id"];
  EXPECT_EQ(engine().get("/api/orders/" + id).status, 404);
  EXPECT_EQ(engine().get("/api/orders/" + id, bearer("not-the-token")).status, 404);
  EXPECT_EQ(engine().get("/api/orders/00000000-0000-4000-8000-000000000000", bearer(order["access_token"])).status,
            404);
  auto r = engine().post("/api/orders/" + id + "/cancel", json::object(), bearer("wrong"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(engine().get("/api/orders/" + id, bearer(order["access_token"])).data()["status"], "pending");
}

TEST_F(lifecycle, admin_endpoints_need_the_admin_token) {
  EXPECT_EQ(engine().get("/admin/api/orders").status, 401);
  EXPECT_EQ(engine().get("/admin/api/orders", bearer("wrong")).status, 401);
  auto r =
      engine().post("/admin/api/orders/00000000-0000-4000-8000-000000000000/commands", {{"type", "start_processing"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.data()["type"], "unauthorized");
  EXPECT_EQ(engine().admin_get("/admin/api/orders").status, 200);
}

struct invalid_checkout {
  const char* name;
  std::function<void(json&)> spoil;
  int status;
  const char* type;
  const char* field;
};

TEST_F(lifecycle, every_invalid_checkout_names_its_field_and_writes_nothing) {
  const std::size_t before = admin_order_count();
  const std::vector<invalid_checkout> cases = {
      {"unknown sku", [](json& b) { b["items"][0]["sku"] = "NOPE"; }, 422, "validation", "items[0].sku"},
      {"quantity 0", [](json& b) { b["items"][0]["quantity"] = 0; }, 422, "validation", "items[0].quantity"},
      {"quantity 100", [](json& b) { b["items"][0]["quantity"] = 100; }, 422, "validation", "items[0].quantity"},
      {"quantity text", [](json& b) { b["items"][0]["quantity"] = "2"; }, 422, "validation", "items[0].quantity"},
      {"no items", [](json& b) { b["items"] = json::array(); }, 422, "validation", "items"},
      {"no email", [](json& b) { b["customer"].erase("email"); }, 422, "validation", "customer.email"},
      {"bad email", [](json& b) { b["customer"]["email"] = "ada-at-example"; }, 422, "validation", "customer.email"},
      {"no name", [](json& b) { b["customer"]["name"] = ""; }, 422, "validation", "customer.name"},
      {"no line1", [](json& b) { b["shipping"]["line1"] = ""; }, 422, "validation", "shipping.line1"},
      {"no city", [](json& b) { b["shipping"].erase("city"); }, 422, "validation", "shipping.city"},
      {"no postal code", [](json& b) { b["shipping"]["postal_code"] = " "; }, 422, "validation",
       "shipping.postal_code"},
      {"bad country", [](json& b) { b["shipping"]["country"] = "USA"; }, 422, "validation", "shipping.country"},
      {"US without state", [](json& b) { b["shipping"]["region"] = ""; }, 422, "validation", "shipping.region"},
      {"unknown coin", [](json& b) { b["payment_method"] = "DOGE"; }, 422, "validation", "payment_method"},
      {"out of stock", [](json& b) { b["items"][0]["sku"] = "EPSON-502-CYN"; }, 422, "out_of_stock", "items[0].sku"},
  };
  for (const auto& c : cases) {
    json body = checkout_body();
    c.spoil(body);
    auto r = engine().post("/api/orders", body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << c.name;
    auto problem = r.data();
    EXPECT_EQ(problem["type"], c.type) << c.name;
    EXPECT_EQ(problem["field"], c.field) << c.name;
    EXPECT_EQ(problem["status"], c.status) << c.name;
    EXPECT_FALSE(problem["detail"].get<std::string>().empty()) << c.name;
  }
  auto malformed = send(engine().port(), "POST", "/api/orders", "{\"items\": [");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.data()["type"], "malformed_json");
  auto huge = send(engine().port(), "POST", "/api/orders", std::string(64 * 1024 + 1, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.data()["type"], "payload_too_large");
  EXPECT_EQ(admin_order_count(), before);
}

TEST_F(lifecycle, the_same_idempotency_key_returns_the_same_order) {
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "retry-test-1"}};
  auto first = engine().post("/api/orders", checkout_body(), key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = engine().post("/api/orders", checkout_body(), key);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(first.data()["id"], second.data()["id"]);
  EXPECT_EQ(first.data()["number"], second.data()["number"]);
  EXPECT_EQ(first.data()["access_token"], second.data()["access_token"]);

  auto different = engine().post("/api/orders", checkout_body("HP-64XL-BLK", 3), key);
  EXPECT_EQ(different.status, 422);
  EXPECT_EQ(different.data()["type"], "idempotency_conflict");
}

TEST_F(lifecycle, concurrent_retries_with_one_key_make_one_order) {
  const std::size_t before = admin_order_count();
  std::vector<std::thread> clients;
  std::vector<std::string> ids(8);
  std::atomic<int> created{0};
  for (std::size_t i = 0; i < ids.size(); ++i)
    clients.emplace_back([&, i] {
      auto r = engine().post("/api/orders", checkout_body(), {{"Idempotency-Key", "concurrent-key"}});
      if (r.status == 201) {
        ++created;
        ids[i] = r.data()["id"];
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(created, 8);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(admin_order_count(), before + 1);
}

TEST_F(lifecycle, operations_endpoints_report_health) {
  EXPECT_EQ(engine().get("/healthz").status, 200);
  auto ready = engine().get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.data()["database"], true);
  auto system = engine().admin_get("/admin/api/system");
  ASSERT_EQ(system.status, 200);
  auto tree = system.data();
  EXPECT_EQ(tree["supervisor"]["healthy"], true);
  std::set<std::string> children;
  for (const auto& c : tree["supervisor"]["children"]) children.insert(c["name"]);
  EXPECT_EQ(children, (std::set<std::string>{"store", "journal", "order_numbers", "receiving_addresses",
                                             "order_registry", "payment_matcher", "timer_scheduler", "mailer",
                                             "webhook_admin", "webhook_sender", "cluster_heartbeat", "retention",
                                             "admin_access", "admin_sign_in"}));
  EXPECT_GE(tree["journal"]["appends"].get<int>(), 0);
  // A node alone: it lists itself and runs every singleton.
  const auto& cluster = tree["cluster"];
  const std::string node = cluster["node"];
  EXPECT_NE(node.find(':'), std::string::npos) << "host name and port by default: " << node;
  ASSERT_EQ(cluster["live_nodes"].size(), 1u) << cluster.dump();
  EXPECT_EQ(cluster["live_nodes"][0]["name"], node);
  ASSERT_EQ(cluster["singletons"].size(), 1u) << cluster.dump();
  EXPECT_EQ(cluster["singletons"][0]["name"], "retention");
  EXPECT_EQ(cluster["singletons"][0]["here"], true);
  EXPECT_TRUE(tree.contains("retention")) << "the retention run is on this node";
  const auto metrics = engine().get("/metrics").body;
  EXPECT_NE(metrics.find("ccc_node_info{node=\"" + node + "\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("ccc_singleton_running{node=\"" + node + "\",singleton=\"retention\"} 1"), std::string::npos);
}

TEST_F(lifecycle, admin_lists_orders_newest_first_with_filters) {
  auto a = place();
  auto b = place();
  command(b, {{"type", "verify_payment"},
              {"tx_id", "x-" + b["id"].get<std::string>()},
              {"amount_atomic", b["payment"]["amount_atomic"]}});
  auto page = engine().admin_get("/admin/api/orders?limit=2").data();
  ASSERT_EQ(page["orders"].size(), 2u);
  EXPECT_EQ(page["orders"][0]["id"], b["id"]);
  EXPECT_EQ(page["orders"][1]["id"], a["id"]);
  EXPECT_FALSE(page["next_cursor"].is_null());
  auto paid = engine().admin_get("/admin/api/orders?status=paid").data();
  for (const auto& o : paid["orders"]) EXPECT_EQ(o["status"], "paid");
  auto by_number = engine().admin_get("/admin/api/orders?q=" + a["number"].get<std::string>()).data();
  ASSERT_EQ(by_number["orders"].size(), 1u);
  EXPECT_EQ(by_number["orders"][0]["id"], a["id"]);
  EXPECT_EQ(engine().admin_get("/admin/api/orders?status=lost").status, 422);
}

}  // namespace
