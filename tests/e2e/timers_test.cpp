// Durable timers on the real binary with second-long durations: the order's
// follow-ups fire once, do nothing when moot, and survive kill -9.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <thread>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

// Timers are due within seconds here; give each effect 15 s at most.
constexpr std::chrono::seconds timer_deadline{15};

std::map<std::string, std::string> fast_timers(const std::string& reminder, const std::string& expiry,
                                               const std::string& review) {
  return {{"ORDER_ENGINE_TIMERS_PAYMENT_REMINDER_AFTER", reminder},
          {"ORDER_ENGINE_TIMERS_CANCEL_UNPAID_AFTER", expiry},
          {"ORDER_ENGINE_TIMERS_REVIEW_REQUEST_AFTER", review},
          {"ORDER_ENGINE_TIMERS_POLL_INTERVAL", "100ms"}};
}

int count_events(const engine_process& engine, const std::string& id, const std::string& type) {
  auto admin = engine.admin_get("/admin/api/orders/" + id).data();
  int n = 0;
  for (const auto& e : admin["events"])
    if (e["type"] == type) ++n;
  return n;
}

std::vector<std::string> pending_timers(const engine_process& engine, const std::string& id) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  std::vector<std::string> kinds;
  for (const auto& row : tx.exec_params("SELECT kind FROM timers WHERE order_id = $1 ORDER BY kind", id))
    kinds.push_back(row[0].as<std::string>());
  return kinds;
}

std::vector<std::string> outbox_kinds(const engine_process& engine, const std::string& id) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  std::vector<std::string> kinds;
  for (const auto& row : tx.exec_params("SELECT kind FROM outbox WHERE order_id = $1 ORDER BY id", id))
    kinds.push_back(row[0].as<std::string>());
  return kinds;
}

json place(const engine_process& engine) {
  auto r = engine.post("/api/orders", checkout_body());
  EXPECT_EQ(r.status, 201) << r.body;
  return r.data();
}

TEST(timers, an_unpaid_order_gets_one_reminder_and_then_expires) {
  engine_process engine{fast_timers("1s", "3s", "7d")};
  auto order = place(engine);
  const std::string id = order["id"];
  EXPECT_EQ(pending_timers(engine, id), (std::vector<std::string>{"payment_reminder", "unpaid_expiry"}));
  EXPECT_EQ(outbox_kinds(engine, id), (std::vector<std::string>{"order_confirmation", "new_order_admin"}));

  ASSERT_TRUE(eventually([&] { return count_events(engine, id, "payment_reminder_sent") == 1; }, timer_deadline));
  auto view = engine.get("/api/orders/" + id, bearer(order["access_token"])).data();
  EXPECT_EQ(view["status"], "pending");

  ASSERT_TRUE(eventually(
      [&] { return engine.get("/api/orders/" + id, bearer(order["access_token"])).data()["status"] == "cancelled"; },
      timer_deadline));
  view = engine.get("/api/orders/" + id, bearer(order["access_token"])).data();
  EXPECT_EQ(view["cancel_reason"], "not paid in time");
  EXPECT_EQ(count_events(engine, id, "payment_reminder_sent"), 1);  // once, not per poll
  EXPECT_TRUE(pending_timers(engine, id).empty());
  EXPECT_EQ(outbox_kinds(engine, id),
            (std::vector<std::string>{"order_confirmation", "new_order_admin", "payment_reminder", "order_cancelled"}));
}

TEST(timers, payment_makes_the_reminder_and_the_expiry_moot_in_the_same_transaction) {
  engine_process engine{fast_timers("1s", "2s", "7d")};
  auto order = place(engine);
  const std::string id = order["id"];
  auto paid = engine.admin_command(
      id, {{"type", "verify_payment"}, {"tx_id", "t-" + id}, {"amount_atomic", order["payment"]["amount_atomic"]}});
  ASSERT_EQ(paid.status, 200);
  EXPECT_TRUE(pending_timers(engine, id).empty());
  // An order placed after it and left unpaid: its reminder and expiry are due
  // later than the paid order's would have been, so once they have fired the
  // scheduler has been past the paid order's times too.
  auto unpaid = place(engine);
  const std::string unpaid_id = unpaid["id"];
  ASSERT_TRUE(eventually([&] { return count_events(engine, unpaid_id, "order_cancelled") == 1; }, timer_deadline));
  EXPECT_EQ(count_events(engine, unpaid_id, "payment_reminder_sent"), 1);
  EXPECT_EQ(count_events(engine, id, "payment_reminder_sent"), 0);
  EXPECT_EQ(engine.get("/api/orders/" + id, bearer(order["access_token"])).data()["status"], "paid");
}

TEST(timers, delivery_brings_one_review_request_unless_reviewed_first) {
  engine_process engine{fast_timers("1h", "0", "1s")};
  auto deliver = [&](const json& order) {
    const std::string id = order["id"];
    engine.admin_command(
        id, {{"type", "verify_payment"}, {"tx_id", "t-" + id}, {"amount_atomic", order["payment"]["amount_atomic"]}});
    engine.admin_command(id, {{"type", "start_processing"}});
    engine.admin_command(
        id, {{"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", "1Z"}, {"estimated_delivery", "2026-12-01"}});
    ASSERT_EQ(engine.admin_command(id, {{"type", "mark_delivered"}}).status, 200);
  };
  auto asked = place(engine);
  auto reviewed = place(engine);
  deliver(asked);
  deliver(reviewed);
  ASSERT_EQ(engine
                .post("/api/orders/" + reviewed["id"].get<std::string>() + "/review", {{"rating", 5}, {"text", "ok"}},
                      bearer(reviewed["access_token"]))
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return count_events(engine, asked["id"], "review_requested") == 1; }, timer_deadline));
  std::this_thread::sleep_for(std::chrono::milliseconds{1500});
  EXPECT_EQ(count_events(engine, asked["id"], "review_requested"), 1);
  EXPECT_EQ(count_events(engine, reviewed["id"], "review_requested"), 0);
  EXPECT_TRUE(pending_timers(engine, reviewed["id"]).empty());
  auto mails = outbox_kinds(engine, asked["id"]);
  EXPECT_EQ(mails.back(), "review_request");
}

TEST(timers, a_timer_due_while_the_engine_is_dead_fires_exactly_once_after_restart) {
  engine_process engine{fast_timers("2s", "0", "7d")};
  auto order = place(engine);
  const std::string id = order["id"];
  engine.kill_hard();  // before the reminder is due
  std::this_thread::sleep_for(std::chrono::milliseconds{2500});
  engine.start();
  ASSERT_TRUE(eventually([&] { return count_events(engine, id, "payment_reminder_sent") == 1; }, timer_deadline));
  std::this_thread::sleep_for(std::chrono::milliseconds{1000});
  EXPECT_EQ(count_events(engine, id, "payment_reminder_sent"), 1);
  EXPECT_TRUE(pending_timers(engine, id).empty());
}

}  // namespace
