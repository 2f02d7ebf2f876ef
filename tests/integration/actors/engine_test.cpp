// The actor side against a real PostgreSQL: single writer with conflict
// retry, several engines on one database, group commit, passivation, crash
// isolation, read model consistency.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "actors/engine.hpp"
#include "domain/order_json.hpp"
#include "persistence/store.hpp"
#include "supervision/bootstrap.hpp"
#include "support/test_database.hpp"

namespace {

using nlohmann::json;

config::engine_config test_config(const std::string& url, const std::map<std::string, std::string>& overrides = {}) {
  std::map<std::string, std::string> env = {
      {"ORDER_ENGINE_DATABASE_URL", url},
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

std::unique_ptr<actors::engine> start_engine(const config::engine_config& cfg) {
  auto boot = supervision::bootstrap(cfg);
  return std::make_unique<actors::engine>(cfg, std::move(boot.catalog), std::move(boot.keys));
}

/// Runs one asynchronous engine call and waits for its callback.
template <class T, class Call>
domain::result<T> await(Call call) {
  auto done = std::make_shared<std::promise<domain::result<T>>>();
  auto future = done->get_future();
  call([done](domain::result<T> r) { done->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds{30}) != std::future_status::ready)
    return domain::make_error(domain::error_code::internal, "no answer within 30 s");
  return future.get();
}

json system_status(actors::engine& e) {
  std::promise<std::string> p;
  auto f = p.get_future();
  e.system_status([&p](std::string s) { p.set_value(std::move(s)); });
  return json::parse(f.get());
}

http::checkout_request checkout(const std::string& key = "") {
  http::checkout_request req;
  req.input.items = {{"HP-64XL-BLK", 1}};
  req.input.customer = {"Grace Hopper", "grace@example.com"};
  req.input.shipping = {"2 Public Sq", "", "Cleveland", "OH", "44113", "US"};
  req.input.payment_method = "BTC";
  req.idempotency_key = key;
  req.canonical_request = "{\"test\":" + std::to_string(std::rand()) + "}";
  return req;
}

domain::order place(actors::engine& e) {
  auto r = await<http::placed_order>([&](auto cb) { e.place_order(checkout(), cb); });
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? r->order : domain::order{};
}

domain::result<domain::order> run(actors::engine& e, const domain::order_id& id, domain::order_command cmd) {
  return await<domain::order>([&](auto cb) { e.execute(id, std::move(cmd), cb); });
}

class engine_test : public ::testing::Test {
 protected:
  test_support::test_database db_{"actors"};
};

TEST_F(engine_test, an_append_that_lost_the_race_reloads_and_retries) {
  auto engine = start_engine(test_config(db_.url()));
  auto order = place(*engine);
  ASSERT_TRUE(order.exists());

  // Another node appends seq 2 behind this engine's back.
  persistence::store other{db_.url()};
  domain::order theirs = order;
  domain::note_added foreign{"written by another node", order.created_at};
  theirs = domain::apply(theirs, foreign);
  persistence::append_item item;
  item.events.push_back({order.id.value(), 2, "note_added", domain::encode_event(foreign).dump(), 0});
  item.read_model = {order.id.value(),
                     order.number.value(),
                     "pending",
                     order.customer.value(),
                     "BTC",
                     order.total.value,
                     0,
                     0,
                     2,
                     domain::customer_view(theirs).dump()};
  ASSERT_EQ(other.append_batch({item})[0], persistence::append_outcome::committed);

  // This engine still believes the order is at version 1: its append of seq 2
  // conflicts, it reloads and decides again on top of the other node's event.
  auto r = run(*engine, order.id, domain::add_note{"written by this node", {}});
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->notes, (std::vector<std::string>{"written by another node", "written by this node"}));
  auto events = other.load_events(order.id.value());
  ASSERT_EQ(events.size(), 3u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_GE(system_status(*engine)["journal"]["conflicts"].get<int>(), 1);
}

TEST_F(engine_test, two_engines_on_one_database_lose_no_update) {
  auto a = start_engine(test_config(db_.url()));
  auto b = start_engine(test_config(db_.url()));
  auto order = place(*a);
  constexpr int per_engine = 15;
  std::atomic<int> ok{0};
  auto writer = [&](actors::engine& e, const std::string& who) {
    for (int i = 0; i < per_engine; ++i)
      if (run(e, order.id, domain::add_note{who + std::to_string(i), {}})) ++ok;
  };
  std::thread ta{writer, std::ref(*a), "a"};
  std::thread tb{writer, std::ref(*b), "b"};
  ta.join();
  tb.join();
  EXPECT_EQ(ok, 2 * per_engine);
  persistence::store store{db_.url()};
  auto events = store.load_events(order.id.value());
  ASSERT_EQ(events.size(), 1u + 2 * per_engine);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
  // Each engine's copy catches up at its next command: this one sees every note.
  auto via_b = run(*b, order.id, domain::add_note{"last", {}});
  ASSERT_TRUE(via_b);
  EXPECT_EQ(via_b->notes.size(), 2u * per_engine + 1);
}

TEST_F(engine_test, concurrent_checkouts_are_group_committed) {
  auto engine = start_engine(test_config(db_.url()));
  constexpr int n = 300;
  std::vector<std::future<domain::result<http::placed_order>>> pending;
  for (int i = 0; i < n; ++i) {
    auto done = std::make_shared<std::promise<domain::result<http::placed_order>>>();
    pending.push_back(done->get_future());
    engine->place_order(checkout(), [done](domain::result<http::placed_order> r) { done->set_value(std::move(r)); });
  }
  std::set<std::string> numbers;
  for (auto& f : pending) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().detail;
    numbers.insert(r->order.number.value());
  }
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(n));  // every order its own number
  auto journal = system_status(*engine)["journal"];
  EXPECT_EQ(journal["appends"].get<int>(), n);
  EXPECT_LT(journal["batches"].get<int>(), n);
  EXPECT_GT(journal["largest_batch"].get<int>(), 1);
}

TEST_F(engine_test, idle_orders_are_passivated_and_recovered_on_demand) {
  auto engine = start_engine(test_config(db_.url(), {{"ORDER_ENGINE_ACTORS_PASSIVATE_AFTER", "200ms"}}));
  auto order = place(*engine);
  ASSERT_TRUE(run(*engine, order.id, domain::verify_payment{"tx", order.quote.amount, {}}));
  EXPECT_EQ(system_status(*engine)["order_actors"]["live"], 1);
  json actors_now;
  for (int i = 0; i < 100; ++i) {
    actors_now = system_status(*engine)["order_actors"];
    if (actors_now["live"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_EQ(actors_now["live"], 0);
  EXPECT_GE(actors_now["passivated"].get<int>(), 1);
  auto back = await<domain::order>([&](auto cb) { engine->get_order(order.id, cb); });
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, domain::order_status::paid);
  EXPECT_EQ(back->version, 3);  // placed, payment_received, payment_verified
}

TEST_F(engine_test, a_crashing_order_does_not_affect_another) {
  domain::order broken, healthy;
  {
    auto engine = start_engine(test_config(db_.url()));
    broken = place(*engine);
    healthy = place(*engine);
  }
  pqxx::connection conn{db_.url()};
  {
    pqxx::work w{conn};
    w.exec_params("UPDATE events SET payload = '{\"garbage\": true}' WHERE order_id = $1", broken.id.value());
    w.commit();
  }
  auto engine = start_engine(test_config(db_.url()));
  auto r = await<domain::order>([&](auto cb) { engine->get_order(broken.id, cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, domain::error_code::internal);
  auto fine = run(*engine, healthy.id, domain::add_note{"still works", {}});
  ASSERT_TRUE(fine) << fine.error().detail;
  json actors_now;
  for (int i = 0; i < 50 && actors_now["crashed"] != 1; ++i) {
    actors_now = system_status(*engine)["order_actors"];
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_EQ(actors_now["crashed"], 1);
  EXPECT_EQ(system_status(*engine)["supervisor"]["healthy"], true);
  // Once the journal is repaired, the order recovers on the next request.
  {
    pqxx::work w{conn};
    w.exec_params(
        "UPDATE events SET payload = $2::jsonb WHERE order_id = $1 AND seq = 1", broken.id.value(),
        domain::encode_event(domain::order_placed{broken.id, broken.number, broken.customer, broken.lines,
                                                  broken.subtotal, broken.shipping, broken.total, broken.quote,
                                                  broken.checkout_fingerprint, broken.created_at})
            .dump());
    w.commit();
  }
  auto recovered = await<domain::order>([&](auto cb) { engine->get_order(broken.id, cb); });
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->number, broken.number);
}

TEST_F(engine_test, the_read_model_matches_the_order_after_every_decision) {
  auto engine = start_engine(test_config(db_.url()));
  auto order = place(*engine);
  persistence::store store{db_.url()};
  auto check = [&](const domain::order& o) {
    auto row = store.find_order(o.id.value());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, domain::to_string(o.status));
    EXPECT_EQ(row->version, o.version);
    EXPECT_EQ(json::parse(row->view_json), domain::customer_view(o));
  };
  check(order);
  auto paid = run(*engine, order.id, domain::verify_payment{"tx9", order.quote.amount, {}});
  ASSERT_TRUE(paid);
  check(*paid);
  auto processing = run(*engine, order.id, domain::start_processing{});
  ASSERT_TRUE(processing);
  check(*processing);
  // A rejected command writes nothing.
  auto rejected = run(*engine, order.id, domain::mark_delivered{});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, domain::error_code::invalid_transition);
  check(*processing);
  EXPECT_EQ(store.load_events(order.id.value()).size(), 4u);  // placed, received, verified, processing
}

}  // namespace
