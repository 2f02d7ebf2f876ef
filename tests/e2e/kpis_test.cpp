// The shop's KPIs, the anonymous checkout-started event and /metrics through the
// real engine. The arithmetic itself is unit-tested (kpi_test.cpp);
// this checks that the figures come from the read models as they really are.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <ctime>

#include "engine_process.hpp"

namespace e2e {
namespace {

std::string today() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&t));
  return text;
}

TEST(kpis, figures_follow_the_orders_and_the_anonymous_events) {
  engine_process engine;
  for (int i = 0; i < 4; ++i) {
    auto r = engine.post("/api/analytics/events", {{"type", "checkout_started"}});
    ASSERT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty());
  }
  EXPECT_EQ(engine.post("/api/analytics/events", {{"type", "page_view"}, {"email", "x@y.z"}}).status, 422);

  std::vector<json> orders;
  for (int i = 0; i < 3; ++i) orders.push_back(engine.post("/api/orders", checkout_body()).data());
  const std::string id = orders[0]["id"];
  ASSERT_EQ(engine
                .admin_command(id, {{"type", "verify_payment"},
                                    {"tx_id", "kpi-" + id},
                                    {"amount_atomic", orders[0]["payment"]["amount_atomic"]}})
                .status,
            200);
  ASSERT_EQ(engine.admin_command(id, {{"type", "start_processing"}}).status, 200);
  ASSERT_EQ(engine
                .admin_command(id, {{"type", "ship"},
                                    {"carrier", "UPS"},
                                    {"tracking_number", "1Z999AA10123456784"},
                                    {"estimated_delivery", "2026-12-01"}})
                .status,
            200);
  ASSERT_EQ(engine.admin_command(id, {{"type", "mark_delivered"}}).status, 200);
  ASSERT_EQ(
      engine
          .post("/api/orders/" + id + "/review", {{"rating", 5}, {"text", "great"}}, bearer(orders[0]["access_token"]))
          .status,
      200);

  auto r = engine.admin_get("/admin/api/kpis?from=" + today() + "&to=" + today());
  ASSERT_EQ(r.status, 200) << r.body;
  const json k = r.data();
  EXPECT_EQ(k["from"], today());
  EXPECT_EQ(k["checkouts_started"], 4);
  EXPECT_EQ(k["orders"], 3);
  EXPECT_DOUBLE_EQ(k["completion_rate"].get<double>(), 0.75);
  EXPECT_NEAR(k["payment_success_rate"].get<double>(), 1.0 / 3, 1e-9);
  EXPECT_EQ(k["processing_time"]["count"], 1);
  EXPECT_GE(k["processing_time"]["median_hours"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(k["review_rate"].get<double>(), 1.0);
  EXPECT_EQ(k["average_order_value_cents"], orders[0]["total_cents"]);
  ASSERT_EQ(k["daily"].size(), 1u);
  EXPECT_EQ(k["daily"][0]["orders"], 3);
  EXPECT_EQ(k["daily"][0]["revenue_cents"], orders[0]["total_cents"]);

  // The default range is the last 30 days, today included.
  auto last30 = engine.admin_get("/admin/api/kpis").data();
  EXPECT_EQ(last30["daily"].size(), 30u);
  EXPECT_EQ(last30["to"], today());
  EXPECT_EQ(last30["orders"], 3);

  EXPECT_EQ(engine.admin_get("/admin/api/kpis?from=yesterday").status, 422);
  EXPECT_EQ(engine.admin_get("/admin/api/kpis?from=2026-12-02&to=2026-12-01").status, 422);
  EXPECT_EQ(engine.get("/admin/api/kpis").status, 401);
}

// What each order adds to the KPIs is kept as it changes (order_kpis); the
// migration that made that table filled it from the orders already there.
// Both ways must give the same report: an order paid, shipped, delivered and
// reviewed, one paid, cancelled and refunded in part, one never paid.
TEST(kpis, the_report_reads_the_same_from_facts_rebuilt_from_the_orders) {
  engine_process engine;
  const auto place = [&](const std::string& coin) {
    auto r = engine.post("/api/orders", checkout_body("HP-64XL-BLK", 2, coin));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data();
  };
  const auto command = [&](const std::string& id, const json& body) {
    const auto r = engine.admin_command(id, body);
    EXPECT_EQ(r.status, 200) << r.body;
  };
  const auto shipped = place("XMR");
  const std::string a = shipped["id"];
  command(a,
          {{"type", "verify_payment"}, {"tx_id", "kpi-" + a}, {"amount_atomic", shipped["payment"]["amount_atomic"]}});
  command(a, {{"type", "start_processing"}});
  command(a, {{"type", "ship"},
              {"carrier", "UPS"},
              {"tracking_number", "1Z999AA10123456784"},
              {"estimated_delivery", "2026-12-01"}});
  command(a, {{"type", "mark_delivered"}});
  ASSERT_EQ(
      engine.post("/api/orders/" + a + "/review", {{"rating", 4}, {"text", "ok"}}, bearer(shipped["access_token"]))
          .status,
      200);
  const auto refunded = place("ETH");
  const std::string b = refunded["id"];
  const std::string quoted = refunded["payment"]["amount_atomic"];
  command(b, {{"type", "verify_payment"}, {"tx_id", "0xkpi" + b}, {"amount_atomic", quoted}});
  command(b, {{"type", "cancel"}, {"reason", "out of stock"}});
  command(b, {{"type", "set_refund_address"}, {"address", "0x52908400098527886E0F7030069857D2E4169EE7"}});
  command(
      b,
      {{"type", "record_refund"}, {"txid", "0xkpirefund"}, {"amount_atomic", std::to_string(std::stoull(quoted) / 3)}});
  place("BTC");

  const auto path = "/admin/api/kpis?from=" + today() + "&to=" + today();
  const json kept = engine.admin_get(path).data();
  EXPECT_EQ(kept["orders"], 3);
  EXPECT_EQ(kept["processing_time"]["count"], 1);
  EXPECT_GT(kept["refunded_cents"].get<std::int64_t>(), 0);
  EXPECT_GT(kept["revenue_cents"].get<std::int64_t>(), shipped["total_cents"].get<std::int64_t>());
  EXPECT_DOUBLE_EQ(kept["review_rate"].get<double>(), 1.0);

  ASSERT_EQ(engine.stop(), 0);
  {
    pqxx::connection conn{engine.database().url()};
    pqxx::work tx{conn};
    tx.exec("drop table order_kpis");
    // As before 020 and 026: the views were jsonb then (020 reads inside
    // them), and 026 makes them json again after it.
    tx.exec("alter table orders alter column view type jsonb using view::jsonb");
    tx.exec("delete from schema_migrations where version in (20, 26)");
    tx.commit();
  }
  engine.start();  // migrations 020 and 026 again, 020 from the orders
  EXPECT_EQ(engine.admin_get(path).data(), kept);
}

TEST(metrics, prometheus_text_counts_requests_by_route_and_orders_by_status) {
  engine_process engine;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(engine.post("/api/orders", checkout_body()).status, 201);
  ASSERT_EQ(engine.get("/api/orders/00000000-0000-0000-0000-000000000000").status, 404);
  auto r = engine.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& m = r.body;
  auto has = [&](const std::string& line) { return m.find(line) != std::string::npos; };
  EXPECT_TRUE(has("ccc_http_requests_total{method=\"POST\",route=\"/api/orders\",status=\"201\"} 3\n")) << m;
  EXPECT_TRUE(has("ccc_http_requests_total{method=\"GET\",route=\"/api/orders/{id}\",status=\"404\"} 1\n")) << m;
  EXPECT_TRUE(has("ccc_http_request_duration_seconds_count{method=\"POST\",route=\"/api/orders\"} 3\n")) << m;
  EXPECT_TRUE(has("ccc_orders{status=\"pending\"} 3\n")) << m;
  EXPECT_TRUE(has("# TYPE ccc_order_actors_live gauge\n")) << m;
  EXPECT_TRUE(has("ccc_journal_appends_total 3\n")) << m;
  EXPECT_TRUE(has("ccc_outbox_pending ")) << m;
  EXPECT_TRUE(has("ccc_timers_due 0\n")) << m;
  EXPECT_FALSE(has("ccc_source_up{")) << "every part answered";
  EXPECT_FALSE(has("ada@example.com")) << "no personal data";
}

}  // namespace
}  // namespace e2e
