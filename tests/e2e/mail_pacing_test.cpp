// Mail waits for a burst of checkouts to pass: while the journal's writer is
// busy with customers' decisions, each group of mail waits out its share of
// mail.rate_while_busy; with the writer idle the next group goes at once. The
// writer is held busy by a checkout whose Idempotency-Key the test holds in an
// uncommitted row: the writer waits on it, as on any lock.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <future>

#include "e2e/engine_process.hpp"

using namespace e2e;

namespace {

constexpr int orders = 16;                  // 32 emails: the confirmation and the owner's notice each
constexpr int emails = 2 * orders;          // two groups of 16 (4 senders x 4)
constexpr int rate_while_busy = 8;          // a group of 16 takes 2 s while the writer is busy
constexpr double held_back_at_least = 1.5;  // seconds between the groups: 2 s, less the first group's own time

/// An engine whose outbox holds `emails` messages not yet due, its mailer
/// looking every 100 ms and held to `rate_while_busy` while the writer is busy.
std::unique_ptr<engine_process> engine_with_mail_waiting() {
  auto engine = std::make_unique<engine_process>(std::map<std::string, std::string>{
      {"ORDER_ENGINE_MAIL_POLL_INTERVAL", "1h"}});  // looks once, at start, and then not for the test's length
  for (int i = 0; i < orders; ++i) EXPECT_EQ(engine->post("/api/orders", checkout_body()).status, 201);
  EXPECT_EQ(engine->stop(), 0);
  pqxx::connection side{engine->database().url()};
  pqxx::nontransaction txn{side};
  EXPECT_EQ(txn.exec("update outbox set next_attempt_at = now() + interval '1 hour' where status = 'pending'")
                .affected_rows(),
            static_cast<std::size_t>(emails));
  engine->set("ORDER_ENGINE_MAIL_POLL_INTERVAL", "100ms");
  engine->set("ORDER_ENGINE_MAIL_RATE_WHILE_BUSY", std::to_string(rate_while_busy));
  // The checkout the test holds in the writer's hands is answered once the
  // test lets it go, not with a timeout, however slow the machine.
  engine->set("ORDER_ENGINE_ACTORS_ASK_TIMEOUT", "60s");
  engine->start();
  return engine;
}

void make_the_mail_due(const engine_process& engine) {
  pqxx::connection side{engine.database().url()};
  pqxx::nontransaction{side}.exec("update outbox set next_attempt_at = now() where status = 'pending'");
}

int sent(const engine_process& engine) {
  pqxx::connection side{engine.database().url()};
  pqxx::nontransaction txn{side};
  return txn.exec("select count(*) from outbox where status = 'sent'")[0][0].as<int>();
}

/// Seconds between the first group's record of what it sent and the second's
/// (a group is recorded in one statement: one sent_at each).
double seconds_between_the_groups(const engine_process& engine) {
  pqxx::connection side{engine.database().url()};
  pqxx::nontransaction txn{side};
  const auto groups = txn.exec(
      "select extract(epoch from sent_at)::float8 from outbox where status = 'sent' group by sent_at order by sent_at");
  EXPECT_EQ(groups.size(), 2u) << "two groups of 16";
  return groups.size() < 2 ? 0.0 : groups[1][0].as<double>() - groups[0][0].as<double>();
}

bool a_writer_waits_on_a_lock(const engine_process& engine) {
  pqxx::connection side{engine.database().url()};
  pqxx::nontransaction txn{side};
  return txn.exec_params("select count(*) from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'",
                         engine.database().name())[0][0]
             .as<int>() > 0;
}

TEST(mail_pacing, while_the_writer_is_busy_with_checkouts_a_group_of_mail_waits_its_share_of_the_rate) {
  auto engine = engine_with_mail_waiting();
  // The test's own uncommitted row under the checkout's Idempotency-Key: the
  // writer's insert of that key waits for the test's transaction to end.
  const std::string key = "held-by-the-test";
  pqxx::connection holder{engine->database().url()};
  pqxx::work hold{holder};
  hold.exec_params(
      "insert into idempotency_keys (key, fingerprint, order_id) values ($1, 'the test', gen_random_uuid())", key);
  auto stuck = std::async(std::launch::async, [&] {
    return engine->post("/api/orders", checkout_body(), {{"Idempotency-Key", key}});
  });
  ASSERT_TRUE(eventually([&] { return a_writer_waits_on_a_lock(*engine); }));

  make_the_mail_due(*engine);
  ASSERT_TRUE(eventually([&] { return sent(*engine) == emails; }));
  hold.abort();
  EXPECT_GE(seconds_between_the_groups(*engine), held_back_at_least);
  EXPECT_EQ(stuck.get().status, 201) << "the checkout went on once the writer was free";
}

TEST(mail_pacing, with_the_writer_idle_the_next_group_of_mail_goes_at_once) {
  auto engine = engine_with_mail_waiting();
  make_the_mail_due(*engine);
  ASSERT_TRUE(eventually([&] { return sent(*engine) == emails; }));
  EXPECT_LT(seconds_between_the_groups(*engine), held_back_at_least);
}

}  // namespace
