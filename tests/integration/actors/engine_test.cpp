// The actor side against a real PostgreSQL: single writer with conflict
// retry, several engines on one database, group commit, passivation, crash
// isolation, read model consistency.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "assembly/running_engine.hpp"
#include "domain/order_json.hpp"
#include "support/await_result.hpp"
#include "support/repositories.hpp"
#include "support/master_key.hpp"
#include "support/test_database.hpp"

namespace {

using nlohmann::json;

// One master key for the whole suite: the engines of a test share their database.
const test_support::master_key_file& suite_key() {
  static const test_support::master_key_file key;
  return key;
}

config::engine_config test_config(const std::string& url, const std::map<std::string, std::string>& overrides = {}) {
  const auto& key = suite_key();
  std::map<std::string, std::string> env = {
      {"ORDER_ENGINE_DATABASE_URL", url},
      {"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", key.path()},
      {"ORDER_ENGINE_ADMIN_TOKEN", "integration-admin-token-0123456789"},
      {"ORDER_ENGINE_CATALOG_SEED_FILE", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/demo-catalog.json"},
      {"ORDER_ENGINE_MAIL_TEMPLATES_DIR", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/templates"},
      {"ORDER_ENGINE_MAIL_DROP_DIR", (std::filesystem::temp_directory_path() / "ccc-actor-tests-mail").string()},
  };
  for (const auto& [k, v] : overrides) env[k] = v;
  return config::load_config(std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/engine.toml",
                             [env](const std::string& key) -> std::optional<std::string> {
                               auto it = env.find(key);
                               if (it == env.end()) return std::nullopt;
                               return it->second;
                             });
}

std::unique_ptr<assembly::running_engine> start_engine(const config::engine_config& cfg) {
  return std::make_unique<assembly::running_engine>(cfg);
}

using test_support::await;

app::system_report system_status(app::shop_service& e) {
  std::promise<app::system_report> p;
  auto f = p.get_future();
  e.system_status([&p](app::system_report r) { p.set_value(std::move(r)); });
  return f.get();
}

app::checkout_request checkout(const std::string& key = "") {
  app::checkout_request req;
  req.input.items = {{"HP-64XL-BLK", 1}};
  req.input.customer = {"Grace Hopper", "grace@example.com"};
  req.input.shipping = {"2 Public Sq", "", "Cleveland", "OH", "44113", "US"};
  req.input.payment_method = "BTC";
  req.idempotency_key = key;
  req.canonical_request = "{\"test\":" + std::to_string(std::rand()) + "}";
  return req;
}

domain::order place(app::shop_service& e) {
  auto r = await<app::placed_order>([&](auto cb) { e.place_order(checkout(), cb); });
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? r->order : domain::order{};
}

domain::result<domain::order> run(app::shop_service& e, const domain::order_id& id, domain::order_command cmd) {
  return await<domain::order>([&](auto cb) { e.execute(id, std::move(cmd), cb); });
}

class engine_test : public ::testing::Test {
 protected:
  test_support::test_database db_{"actors"};
};

TEST_F(engine_test, an_append_that_lost_the_race_reloads_and_retries) {
  auto engine = start_engine(test_config(db_.url()));
  auto order = place(engine->shop());
  ASSERT_TRUE(order.exists());

  // Another node appends seq 2 behind this engine's back.
  test_support::repositories other{db_.url(), test_support::shop_vault(db_.url(), suite_key().path())};
  domain::order theirs = order;
  domain::note_added foreign{"written by another node", order.created_at};
  theirs = domain::apply(theirs, foreign);
  persistence::append_item item;
  item.events.push_back({order.id.value(), 2, "note_added", domain::encode_event(foreign).dump(), 0, {}});
  item.read_model.id = order.id.value();
  item.read_model.number = order.number.value();
  item.read_model.status = "pending";
  item.read_model.customer_ref = order.customer.value();
  item.read_model.payment_method = "BTC";
  item.read_model.total_cents = order.total.value;
  item.read_model.version = 2;
  item.read_model.view_json = domain::customer_view(theirs).dump();
  ASSERT_EQ(other.journal.append_batch({item})[0], persistence::append_outcome::committed);

  // This engine still believes the order is at version 1: its append of seq 2
  // conflicts, it reloads and decides again on top of the other node's event.
  auto r = run(engine->shop(), order.id, domain::add_note{"written by this node", {}});
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->notes, (std::vector<std::string>{"written by another node", "written by this node"}));
  auto events = other.journal.load_events(order.id.value());
  ASSERT_EQ(events.size(), 3u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_GE(system_status(engine->shop()).journal.value().conflicts, 1);
}

TEST_F(engine_test, two_engines_on_one_database_lose_no_update) {
  auto a = start_engine(test_config(db_.url()));
  auto b = start_engine(test_config(db_.url()));
  auto order = place(a->shop());
  constexpr int per_engine = 15;
  std::atomic<int> ok{0};
  auto writer = [&](app::shop_service& e, const std::string& who) {
    for (int i = 0; i < per_engine; ++i)
      if (run(e, order.id, domain::add_note{who + std::to_string(i), {}})) ++ok;
  };
  std::thread ta{writer, std::ref(a->shop()), "a"};
  std::thread tb{writer, std::ref(b->shop()), "b"};
  ta.join();
  tb.join();
  EXPECT_EQ(ok, 2 * per_engine);
  test_support::repositories store{db_.url(), test_support::shop_vault(db_.url(), suite_key().path())};
  auto events = store.journal.load_events(order.id.value());
  ASSERT_EQ(events.size(), 1u + 2 * per_engine);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
  // Each engine's copy catches up at its next command: this one sees every note.
  auto via_b = run(b->shop(), order.id, domain::add_note{"last", {}});
  ASSERT_TRUE(via_b);
  EXPECT_EQ(via_b->notes.size(), 2u * per_engine + 1);
}

TEST_F(engine_test, concurrent_checkouts_are_group_committed) {
  auto engine = start_engine(test_config(db_.url()));
  constexpr int n = 300;
  std::vector<std::future<domain::result<app::placed_order>>> pending;
  for (int i = 0; i < n; ++i) {
    auto done = std::make_shared<std::promise<domain::result<app::placed_order>>>();
    pending.push_back(done->get_future());
    engine->shop().place_order(checkout(),
                               [done](domain::result<app::placed_order> r) { done->set_value(std::move(r)); });
  }
  std::set<std::string> numbers;
  for (auto& f : pending) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().detail;
    numbers.insert(r->order.number.value());
  }
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(n));  // every order its own number
  const auto journal = system_status(engine->shop()).journal.value();
  EXPECT_EQ(journal.appends, static_cast<std::uint64_t>(n));
  EXPECT_LT(journal.batches, static_cast<std::uint64_t>(n));
  EXPECT_GT(journal.largest_batch, 1u);
}

TEST_F(engine_test, a_full_journal_refuses_at_once_and_loses_nothing_it_accepted) {
  // One writer and room for two waiting decisions: a burst of checkouts must
  // find the queue full while a batch commits.
  auto engine = start_engine(test_config(
      db_.url(), {{"ORDER_ENGINE_DATABASE_JOURNAL_WRITERS", "1"}, {"ORDER_ENGINE_DATABASE_JOURNAL_MAX_QUEUE", "2"}}));
  constexpr int n = 200;
  std::vector<std::future<domain::result<app::placed_order>>> pending;
  for (int i = 0; i < n; ++i) {
    auto done = std::make_shared<std::promise<domain::result<app::placed_order>>>();
    pending.push_back(done->get_future());
    engine->shop().place_order(checkout(),
                               [done](domain::result<app::placed_order> r) { done->set_value(std::move(r)); });
  }
  std::vector<domain::order_id> placed;
  int refused = 0;
  for (auto& f : pending) {
    auto r = f.get();
    if (r) {
      placed.push_back(r->order.id);
    } else {
      EXPECT_EQ(r.error().code, domain::error_code::unavailable) << r.error().detail;
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(placed.size(), 0u);
  EXPECT_EQ(system_status(engine->shop()).journal.value().refused, static_cast<std::uint64_t>(refused));
  // Every order that was acknowledged is in the database.
  test_support::repositories store{db_.url(), test_support::shop_vault(db_.url(), suite_key().path())};
  for (const auto& id : placed) EXPECT_TRUE(store.orders.find_order(id.value())) << id.value();
}

TEST_F(engine_test, idle_orders_are_passivated_and_recovered_on_demand) {
  auto engine = start_engine(test_config(db_.url(), {{"ORDER_ENGINE_ACTORS_PASSIVATE_AFTER", "200ms"}}));
  auto order = place(engine->shop());
  ASSERT_TRUE(run(engine->shop(), order.id, domain::verify_payment{"tx", order.quote.amount, {}}));
  EXPECT_EQ(system_status(engine->shop()).order_actors.value().live, 1u);
  app::order_actor_counts actors_now;
  for (int i = 0; i < 100; ++i) {
    actors_now = system_status(engine->shop()).order_actors.value();
    if (actors_now.live == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_EQ(actors_now.live, 0u);
  EXPECT_GE(actors_now.passivated, 1u);
  auto back = await<domain::order>([&](auto cb) { engine->shop().get_order(order.id, cb); });
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, domain::order_status::paid);
  EXPECT_EQ(back->version, 3);  // placed, payment_received, payment_verified
}

TEST_F(engine_test, beyond_the_live_order_cap_the_least_recently_used_order_is_passivated) {
  auto engine = start_engine(test_config(db_.url(), {{"ORDER_ENGINE_ACTORS_MAX_LIVE_ORDERS", "3"}}));
  const auto counts = [&] { return system_status(engine->shop()).order_actors.value(); };
  const auto get = [&](const domain::order& o) {
    return await<domain::order>([&](auto cb) { engine->shop().get_order(o.id, cb); });
  };
  const auto a = place(engine->shop()), b = place(engine->shop()), c = place(engine->shop());
  EXPECT_EQ(counts().live, 3u);
  ASSERT_TRUE(get(a));  // a is now the most recently used; b the least
  const auto d = place(engine->shop());
  auto now = counts();
  EXPECT_EQ(now.live, 3u);
  EXPECT_EQ(now.passivated, 1u);
  const auto spawned = now.spawned;
  ASSERT_TRUE(get(a));
  EXPECT_EQ(counts().spawned, spawned) << "a stayed live";
  const auto back = get(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(counts().spawned, spawned + 1) << "b was passivated and recovers from its events";
  EXPECT_EQ(back->version, b.version);
  EXPECT_EQ(counts().live, 3u);
  ASSERT_TRUE(get(c));
  ASSERT_TRUE(get(d));
}

TEST_F(engine_test, a_crashing_order_does_not_affect_another) {
  domain::order broken, healthy;
  {
    auto engine = start_engine(test_config(db_.url()));
    broken = place(engine->shop());
    healthy = place(engine->shop());
  }
  // The journal refuses changes to everyone (migration 008); only a
  // superuser's replica mode, which skips triggers as a restore does, can
  // damage it the way a broken backup would.
  pqxx::connection conn{db_.url()};
  {
    pqxx::work w{conn};
    w.exec("SET LOCAL session_replication_role = replica");
    w.exec_params("UPDATE events SET payload = '{\"garbage\": true}' WHERE order_id = $1", broken.id.value());
    w.commit();
  }
  auto engine = start_engine(test_config(db_.url()));
  auto r = await<domain::order>([&](auto cb) { engine->shop().get_order(broken.id, cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::error_code::internal);
  auto fine = run(engine->shop(), healthy.id, domain::add_note{"still works", {}});
  ASSERT_TRUE(fine) << fine.error().detail;
  app::order_actor_counts actors_now;
  for (int i = 0; i < 50 && actors_now.crashed != 1u; ++i) {
    actors_now = system_status(engine->shop()).order_actors.value();
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_EQ(actors_now.crashed, 1u);
  EXPECT_EQ(system_status(engine->shop()).supervisor.value().healthy, true);
  // Once the journal is repaired, the order recovers on the next request.
  {
    pqxx::work w{conn};
    w.exec("SET LOCAL session_replication_role = replica");
    w.exec_params(
        "UPDATE events SET payload = $2::json WHERE order_id = $1 AND seq = 1", broken.id.value(),
        domain::encode_event(domain::order_placed{broken.id, broken.number, broken.customer, broken.lines,
                                                  broken.subtotal, broken.shipping, broken.total, broken.quote,
                                                  broken.checkout_fingerprint, broken.created_at})
            .dump());
    w.commit();
  }
  auto recovered = await<domain::order>([&](auto cb) { engine->shop().get_order(broken.id, cb); });
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->number, broken.number);
}

TEST_F(engine_test, the_read_model_matches_the_order_after_every_decision) {
  auto engine = start_engine(test_config(db_.url()));
  auto order = place(engine->shop());
  test_support::repositories store{db_.url(), test_support::shop_vault(db_.url(), suite_key().path())};
  auto check = [&](const domain::order& o) {
    auto row = store.orders.find_order(o.id.value());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, domain::to_string(o.status));
    EXPECT_EQ(row->version, o.version);
    EXPECT_EQ(json::parse(row->view_json), domain::customer_view(o));
  };
  check(order);
  auto paid = run(engine->shop(), order.id, domain::verify_payment{"tx9", order.quote.amount, {}});
  ASSERT_TRUE(paid);
  check(*paid);
  auto processing = run(engine->shop(), order.id, domain::start_processing{});
  ASSERT_TRUE(processing);
  check(*processing);
  // A rejected command writes nothing.
  auto rejected = run(engine->shop(), order.id, domain::mark_delivered{});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, domain::error_code::invalid_transition);
  check(*processing);
  EXPECT_EQ(store.journal.load_events(order.id.value()).size(), 4u);  // placed, received, verified, processing
}

// Checkout answers with the view it stored, so that the reply is not rendered
// twice; a retry with the same key, which stores nothing, renders it instead.
TEST_F(engine_test, a_checkout_hands_over_the_view_it_stored_and_a_retry_has_none) {
  auto engine = start_engine(test_config(db_.url()));
  const auto request = checkout("key-view-once");
  auto first = await<app::placed_order>([&](auto cb) { engine->shop().place_order(request, cb); });
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_FALSE(first->view_json.empty());
  EXPECT_EQ(json::parse(first->view_json), domain::customer_view(first->order));
  test_support::repositories store{db_.url(), test_support::shop_vault(db_.url(), suite_key().path())};
  EXPECT_EQ(json::parse(first->view_json), json::parse(store.orders.find_order(first->order.id.value())->view_json));

  auto again = await<app::placed_order>([&](auto cb) { engine->shop().place_order(request, cb); });
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_EQ(again->order.id, first->order.id);
  EXPECT_TRUE(again->view_json.empty());
}

}  // namespace
