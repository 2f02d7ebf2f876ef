// Two real engine processes on one database, talking to each other only through
// it, as the nodes of a cluster do (HAProxy left out: these are the cases it
// cannot prevent). A node killed with timers it had claimed but not delivered:
// another node fires each of them exactly once after the lease. Two nodes
// commanding one order at the same moment: no lost update, and the loser
// answers as the single-node engine would.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <future>
#include <iostream>
#include <thread>

#include "e2e/engine_process.hpp"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

/// What makes a second engine a node of the first one's shop: the same
/// database and the same master key (its own fresh database stays unused).
std::map<std::string, std::string> node_of(const engine_process& first, std::map<std::string, std::string> env) {
  env["ORDER_ENGINE_DATABASE_URL"] = first.database().url();
  env["ORDER_ENGINE_SECURITY_MASTER_KEY_FILE"] = first.master_key_file();
  return env;
}

std::int64_t count(const engine_process& engine, const std::string& sql) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  return tx.exec1(sql)[0].as<std::int64_t>();
}

std::vector<std::string> event_types(const engine_process& engine, const std::string& order_id) {
  const json view = engine.admin_get("/admin/api/orders/" + order_id).data();
  std::vector<std::string> types;
  for (const auto& e : view["events"]) types.push_back(e["type"]);
  return types;
}

/// The order's journal as stored: its seqs, which must run 1..n without a gap.
std::vector<std::int64_t> stored_seqs(const engine_process& engine, const std::string& order_id) {
  pqxx::connection conn{engine.database().url()};
  pqxx::nontransaction tx{conn};
  std::vector<std::int64_t> seqs;
  for (const auto& row : tx.exec_params("SELECT seq FROM events WHERE order_id = $1 ORDER BY seq", order_id))
    seqs.push_back(row[0].as<std::int64_t>());
  return seqs;
}

bool runs_one_to_n(const std::vector<std::int64_t>& seqs) {
  for (std::size_t i = 0; i < seqs.size(); ++i)
    if (seqs[i] != static_cast<std::int64_t>(i) + 1) return false;
  return true;
}

const std::map<std::string, std::string> admin = {{"Authorization", "Bearer " + admin_token}};

TEST(cluster_nodes, timers_a_killed_node_had_claimed_fire_exactly_once_on_another_node_after_the_lease) {
  constexpr int orders = 500;
  constexpr auto lease = 3s;
  const std::map<std::string, std::string> timers = {
      {"ORDER_ENGINE_TIMERS_CANCEL_UNPAID_AFTER", "1h"},
      {"ORDER_ENGINE_TIMERS_POLL_INTERVAL", "50ms"},
      {"ORDER_ENGINE_TIMERS_LEASE", "3s"},
  };
  engine_process first{timers};
  for (int i = 0; i < orders; ++i) ASSERT_EQ(first.post("/api/orders", checkout_body()).status, 201);

  // The hour passes at once for every order, as after an outage: the first
  // node claims the whole batch in one look and starts delivering it.
  {
    pqxx::connection conn{first.database().url()};
    pqxx::nontransaction tx{conn};
    tx.exec("UPDATE timers SET due_at = now() + interval '300 milliseconds' WHERE kind = 'unpaid_expiry'");
  }
  const std::string claimed = "SELECT count(*) FROM timers WHERE kind = 'unpaid_expiry' AND claimed_until > now()";
  {
    // Killed the moment its claim shows, on a connection kept open for speed.
    pqxx::connection conn{first.database().url()};
    pqxx::nontransaction tx{conn};
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (tx.exec1(claimed)[0].as<std::int64_t>() == 0)
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the first node claims them";
  }
  first.kill_hard();
  const auto killed = std::chrono::steady_clock::now();
  const auto held = count(first, claimed);
  const auto fired_before = count(first, "SELECT count(*) FROM events WHERE type = 'order_cancelled'");
  std::cout << "[figure] killed holding " << held << " claimed timers, " << fired_before << " of " << orders
            << " already fired\n";
  ASSERT_GT(held, 0) << "the node died with timers it had claimed and not delivered";

  engine_process second{node_of(first, timers)};
  ASSERT_TRUE(eventually(
      [&] { return count(first, "SELECT count(*) FROM events WHERE type = 'order_cancelled'") == orders; }, 30s))
      << "every order is cancelled in the end";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
  std::cout << "[figure] all " << orders << " fired " << took.count() << " ms after the kill (lease 3 s)\n";
  EXPECT_LT(took, lease + 5s) << "the other node delivers them once the lease runs out";

  std::this_thread::sleep_for(1s);  // a second delivery would show by now
  EXPECT_EQ(count(first,
                  "SELECT count(*) FROM (SELECT order_id FROM events WHERE type = 'order_cancelled' "
                  "GROUP BY order_id HAVING count(*) <> 1) twice"),
            0)
      << "no order is cancelled twice";
  EXPECT_EQ(count(first, "SELECT count(DISTINCT order_id) FROM events WHERE type = 'order_cancelled'"), orders);
  EXPECT_EQ(count(first, "SELECT count(*) FROM outbox WHERE kind = 'order_cancelled'"), orders)
      << "one cancellation email owed per order";
  EXPECT_EQ(count(first, "SELECT count(*) FROM timers WHERE kind = 'unpaid_expiry'"), 0);
}

/// Sends `on_first` to the first node and `on_second` to the second at the
/// same moment; returns both replies.
std::pair<reply, reply> at_once(const engine_process& first, const engine_process& second, const std::string& id,
                                const json& on_first, const json& on_second) {
  std::promise<void> go;
  std::shared_future<void> started = go.get_future().share();
  reply a;
  std::thread t{[&] {
    started.wait();
    a = first.admin_command(id, on_first);
  }};
  go.set_value();
  reply b = second.admin_command(id, on_second);
  t.join();
  return {a, b};
}

TEST(cluster_nodes, two_nodes_commanding_one_order_at_once_lose_no_update_and_the_loser_answers_409) {
  engine_process first;
  engine_process second{node_of(first, {})};
  int first_won = 0, second_won = 0;
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const json order = first.post("/api/orders", checkout_body()).data();
    const std::string id = order["id"];
    // Both nodes hold a live actor for the order, the second one's a step behind.
    ASSERT_EQ(second.admin_command(id, {{"type", "add_note"}, {"text", "seen on the second node"}}).status, 200);
    ASSERT_EQ(first
                  .admin_command(id, {{"type", "verify_payment"},
                                      {"tx_id", "tx-" + id},
                                      {"amount_atomic", order["payment"]["amount_atomic"]}})
                  .status,
              200);

    // Two notes at once: both are kept.
    auto [note_a, note_b] = at_once(first, second, id, {{"type", "add_note"}, {"text", "note from the first node"}},
                                    {{"type", "add_note"}, {"text", "note from the second node"}});
    EXPECT_EQ(note_a.status, 200) << note_a.body;
    EXPECT_EQ(note_b.status, 200) << note_b.body;

    // Processing started at once on both: one wins, the other is told it is too late.
    // Which node's request leaves first alternates from round to round.
    const bool swapped = round % 2 == 1;
    auto [start_a, start_b] = at_once(swapped ? second : first, swapped ? first : second, id,
                                      {{"type", "start_processing"}}, {{"type", "start_processing"}});
    if (swapped) std::swap(start_a, start_b);
    std::vector<int> statuses{start_a.status, start_b.status};
    std::sort(statuses.begin(), statuses.end());
    ASSERT_EQ(statuses, (std::vector<int>{200, 409})) << start_a.body << " / " << start_b.body;
    const reply& loser = start_a.status == 409 ? start_a : start_b;
    EXPECT_EQ(loser.data()["type"], "invalid_transition") << loser.body;
    (start_a.status == 200 ? first_won : second_won)++;

    const auto types = event_types(first, id);
    EXPECT_EQ(std::count(types.begin(), types.end(), "processing_started"), 1);
    EXPECT_EQ(std::count(types.begin(), types.end(), "note_added"), 3) << "no note lost";
    EXPECT_TRUE(runs_one_to_n(stored_seqs(first, id)));
    // Either node, asked next, knows the winner's decision.
    EXPECT_EQ(first.admin_get("/admin/api/orders/" + id).data()["status"], "processing");
    EXPECT_EQ(second.admin_get("/admin/api/orders/" + id).data()["status"], "processing");
    EXPECT_EQ(second.admin_command(id, {{"type", "ship"}, {"carrier", "UPS"}, {"tracking_number", "1Z999"},
                                        {"estimated_delivery", "2027-01-10"}})
                  .status,
              200)
        << "the losing node's actor caught up and goes on";
  }
  std::cout << "[figure] start_processing races won: first node " << first_won << ", second node " << second_won
            << "\n";
}

}  // namespace
