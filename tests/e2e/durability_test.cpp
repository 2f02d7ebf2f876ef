// The engine survives kill -9 with nothing it acknowledged lost, and stops
// cleanly on SIGTERM.

#include <gtest/gtest.h>

#include "e2e/engine_process.hpp"

using namespace e2e;

TEST(durability, kill_9_loses_nothing_that_was_acknowledged) {
  engine_process engine;
  struct placed {
    std::string id, token, status;
  };
  std::vector<placed> orders;
  for (int i = 0; i < 20; ++i) {
    auto r = engine.post("/api/orders", checkout_body());
    ASSERT_EQ(r.status, 201) << r.body;
    orders.push_back({r.data()["id"], r.data()["access_token"], "pending"});
    if (i % 2 == 0) {
      auto amount = r.data()["payment"]["amount_atomic"];
      auto v = engine.admin_command(
          orders.back().id,
          {{"type", "verify_payment"}, {"tx_id", "tx" + std::to_string(i)}, {"amount_atomic", amount}});
      ASSERT_EQ(v.status, 200) << v.body;
      orders.back().status = "paid";
    }
    if (i % 4 == 0) {
      ASSERT_EQ(engine.admin_command(orders.back().id, {{"type", "start_processing"}}).status, 200);
      orders.back().status = "processing";
    }
  }
  engine.kill_hard();
  engine.start();
  for (const auto& o : orders) {
    auto r = engine.get("/api/orders/" + o.id, bearer(o.token));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data()["status"], o.status) << o.id;
  }
  // And it goes on working where it stopped.
  auto next = engine.post("/api/orders", checkout_body());
  EXPECT_EQ(next.status, 201);
  EXPECT_EQ(engine
                .admin_command(orders[0].id, {{"type", "ship"},
                                              {"carrier", "USPS"},
                                              {"tracking_number", "9400100000000000000000"},
                                              {"estimated_delivery", "2026-12-05"}})
                .status,
            200);
}

TEST(durability, sigterm_stops_cleanly_and_keeps_the_data) {
  engine_process engine;
  auto r = engine.post("/api/orders", checkout_body());
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(engine.stop(), 0);
  engine.start();
  auto again = engine.get("/api/orders/" + r.data()["id"].get<std::string>(), bearer(r.data()["access_token"]));
  EXPECT_EQ(again.status, 200);
}

TEST(durability, a_taken_port_is_a_clear_message_not_a_crash) {
  engine_process first;
  // A second engine on the same port (and database) refuses to start: exit code
  // 3 and a sentence naming the port and the setting, not a signal or a trace.
  auto second = run_to_exit(first.environment());
  EXPECT_EQ(second.exit_code, 3) << second.output;
  EXPECT_NE(second.output.find(std::to_string(first.port())), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("ORDER_ENGINE_HTTP_PORT"), std::string::npos) << second.output;
  EXPECT_EQ(first.get("/healthz").status, 200);  // the first one is untouched
}
