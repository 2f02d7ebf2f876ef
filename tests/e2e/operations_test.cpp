// What an operator sees: start-up refusals, readiness while the database is
// away, and a SIGTERM that loses nothing it acknowledged.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <mutex>
#include <thread>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

std::map<std::string, std::string> valid_env() {
  static const test_support::master_key_file key;
  return {{"ORDER_ENGINE_DATABASE_URL", "postgresql://nobody@/nothing?host=/nonexistent"},
          {"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", key.path()},
          {"ORDER_ENGINE_ADMIN_TOKEN", admin_token},
          {"ORDER_ENGINE_HTTP_PORT", std::to_string(free_port())},
          {"ORDER_ENGINE_MAIL_TEMPLATES_DIR", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/templates"}};
}

TEST(operations, a_bad_setting_stops_start_up_with_exit_2_naming_key_and_value) {
  auto env = valid_env();
  env["ORDER_ENGINE_ACTORS_PASSIVATE_AFTER"] = "two minutes";
  auto run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("actors.passivate_after"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("two minutes"), std::string::npos) << run.output;

  env = valid_env();
  env["ORDER_ENGINE_HTTP_PORT"] = "99999";
  run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("http.port"), std::string::npos) << run.output;
}

TEST(operations, an_unreachable_database_at_start_up_is_exit_3_with_a_message) {
  auto run = run_to_exit(valid_env());
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("start-up failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("/nonexistent"), std::string::npos) << "names the database it tried: " << run.output;
}

TEST(operations, a_missing_email_template_stops_start_up_naming_the_file) {
  auto env = valid_env();
  env["ORDER_ENGINE_MAIL_TEMPLATES_DIR"] = "/nonexistent-templates";
  auto run = run_to_exit(env);
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("/nonexistent-templates/"), std::string::npos) << run.output;
}

/// Makes the engine's database refuse connections (and drops the open ones),
/// as if the server had gone away, and lets it back in on destruction.
class database_outage {
 public:
  explicit database_outage(const test_support::test_database& db) : db_(db) { set_allowed(false); }
  ~database_outage() { set_allowed(true); }
  void end() { set_allowed(true); }

 private:
  void set_allowed(bool allowed) {
    if (allowed_ == allowed) return;
    pqxx::connection admin{db_.admin_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("ALTER DATABASE " + tx.quote_name(db_.name()) + " ALLOW_CONNECTIONS " + (allowed ? "true" : "false"));
    if (!allowed)
      tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", db_.name());
    allowed_ = allowed;
  }
  const test_support::test_database& db_;
  bool allowed_ = true;
};

TEST(operations, readiness_follows_the_database_and_checkout_answers_503_meanwhile) {
  engine_process engine;
  ASSERT_EQ(engine.get("/readyz").status, 200);
  auto placed = engine.post("/api/orders", checkout_body());
  ASSERT_EQ(placed.status, 201);
  {
    database_outage outage{engine.database()};
    EXPECT_TRUE(eventually([&] { return engine.get("/readyz").status == 503; }));
    EXPECT_EQ(engine.get("/readyz").data()["database"], false);
    EXPECT_EQ(engine.get("/healthz").status, 200);  // the process itself is fine
    auto refused = engine.post("/api/orders", checkout_body());
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.data()["type"], "unavailable");
  }
  EXPECT_TRUE(eventually([&] { return engine.get("/readyz").status == 200; }));
  EXPECT_TRUE(eventually([&] { return engine.post("/api/orders", checkout_body()).status == 201; }));
  // The order placed before the outage is intact.
  auto again =
      engine.get("/api/orders/" + placed.data()["id"].get<std::string>(), bearer(placed.data()["access_token"]));
  EXPECT_EQ(again.status, 200);
}

TEST(operations, sigterm_under_load_keeps_every_acknowledged_order) {
  engine_process engine;
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> acknowledged;  // id, token
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      while (!stop) {
        try {
          auto r = engine.post("/api/orders", checkout_body());
          if (r.status != 201) continue;
          std::lock_guard<std::mutex> lock{mutex};
          acknowledged.emplace_back(r.data()["id"], r.data()["access_token"]);
        } catch (const std::exception&) {
          // Connections are refused once shutdown has begun.
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  engine.signal_term();
  const int code = engine.wait_exit();
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(code, 0);
  ASSERT_FALSE(acknowledged.empty());
  engine.start();
  for (const auto& [id, token] : acknowledged)
    EXPECT_EQ(engine.get("/api/orders/" + id, bearer(token)).status, 200) << id;
}

}  // namespace
