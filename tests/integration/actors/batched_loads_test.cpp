// Orders recovered through the reader pool's batched loads (the store router
// sends the loads that arrive while its readers are busy as one statement):
// each comes back as its own load gives it, and decides the same.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>

#include "actors/order_records.hpp"
#include "actors/store_pool.hpp"
#include "assembly/running_engine.hpp"
#include "domain/order_json.hpp"
#include "support/await_result.hpp"
#include "support/master_key.hpp"
#include "support/repositories.hpp"
#include "support/test_database.hpp"

namespace {

const test_support::master_key_file& suite_key() {
  static const test_support::master_key_file key;
  return key;
}

config::engine_config test_config(const std::string& url) {
  std::map<std::string, std::string> env = {
      {"ORDER_ENGINE_DATABASE_URL", url},
      {"ORDER_ENGINE_SECURITY_MASTER_KEY_FILE", suite_key().path()},
      {"ORDER_ENGINE_ADMIN_TOKEN", "integration-admin-token-0123456789"},
      {"ORDER_ENGINE_CATALOG_SEED_FILE", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/demo-catalog.json"},
      {"ORDER_ENGINE_MAIL_TEMPLATES_DIR", std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/templates"},
      {"ORDER_ENGINE_MAIL_DROP_DIR", (std::filesystem::temp_directory_path() / "ccc-actor-tests-mail").string()},
  };
  return config::load_config(std::string{ORDER_ENGINE_SOURCE_DIR} + "/config/engine.toml",
                             [env](const std::string& key) -> std::optional<std::string> {
                               auto it = env.find(key);
                               if (it == env.end()) return std::nullopt;
                               return it->second;
                             });
}

using test_support::await;

domain::order place(app::shop_service& e) {
  app::checkout_request req;
  req.input.items = {{"HP-64XL-BLK", 1}};
  req.input.customer = {"Grace Hopper", "grace@example.com"};
  req.input.shipping = {"2 Public Sq", "", "Cleveland", "OH", "44113", "US"};
  req.input.payment_method = "BTC";
  req.canonical_request = "{\"test\":" + std::to_string(std::rand()) + "}";
  auto r = await<app::placed_order>([&](auto cb) { e.place_order(req, cb); });
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? r->order : domain::order{};
}

void run(app::shop_service& e, const domain::order_id& id, domain::order_command cmd) {
  auto r = await<domain::order>([&](auto cb) { e.execute(id, std::move(cmd), cb); });
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
}

std::vector<std::string> encoded(const domain::result<std::vector<domain::order_event>>& decided) {
  if (!decided) return {std::string{"rejected: "} + decided.error().detail};
  std::vector<std::string> out;
  for (const auto& e : *decided) out.push_back(std::string{domain::event_type(e)} + domain::encode_event(e).dump());
  return out;
}

TEST(batched_loads, orders_recovered_from_one_batched_load_decide_as_each_loaded_alone) {
  test_support::test_database db{"loads"};
  std::vector<domain::order_id> ids;
  {
    assembly::running_engine engine{test_config(db.url())};
    for (int i = 0; i < 40; ++i) {
      const auto order = place(engine.shop());
      ids.push_back(order.id);
      const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
      // Histories of every shape: placed only, paid, with a sealed note, cancelled with a sealed reason.
      if (i % 4 == 1)
        run(engine.shop(), order.id, domain::verify_payment{"tx-" + std::to_string(i), order.quote.amount, now});
      if (i % 4 == 2) run(engine.shop(), order.id, domain::add_note{"ring twice " + std::to_string(i), now});
      if (i % 4 == 3)
        run(engine.shop(), order.id, domain::cancel_order{"changed my mind", domain::actor_role::admin, now});
    }
  }
  ids.push_back(ids[5]);                                                    // one order asked twice
  ids.push_back(domain::order_id{"00000000-0000-4000-8000-000000000000"});  // no such order

  const auto vault = test_support::shop_vault(db.url(), suite_key().path());
  test_support::repositories alone{db.app_url(), vault};
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  // One reader: the first load goes out alone, the rest wait for it and go together.
  auto router = system.spawn(actors::store_router_impl, db.app_url(), vault, std::size_t{1});
  caf::scoped_actor self{system};
  using handle = decltype(self->request(router, caf::infinite, actors::load_atom::value, ids[0]));
  std::vector<handle> asked;
  for (const auto& id : ids) asked.push_back(self->request(router, caf::infinite, actors::load_atom::value, id));

  const domain::timestamp reminder_at =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) +
      std::chrono::hours{48};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::vector<persistence::stored_event> batched;
    asked[i].receive([&](std::vector<persistence::stored_event>& events) { batched = std::move(events); },
                     [&](caf::error& err) { ADD_FAILURE() << "load " << i << ": " << system.render(err); });
    const auto single = alone.journal.load_events(ids[i].value());
    ASSERT_EQ(batched.size(), single.size()) << ids[i].value();
    for (std::size_t k = 0; k < single.size(); ++k) {
      EXPECT_EQ(batched[k].seq, single[k].seq);
      EXPECT_EQ(batched[k].type, single[k].type);
      EXPECT_EQ(nlohmann::json::parse(batched[k].payload_json), nlohmann::json::parse(single[k].payload_json));
      EXPECT_EQ(batched[k].recorded_at_ms, single[k].recorded_at_ms);
    }
    const auto from_batch = actors::recover(batched);
    const auto from_alone = actors::recover(single);
    EXPECT_EQ(domain::customer_view(from_batch), domain::customer_view(from_alone));
    for (const domain::order_command& command :
         {domain::order_command{domain::fire_timer{domain::timer_kind::payment_reminder, reminder_at}},
          domain::order_command{domain::cancel_order{"too late", domain::actor_role::system, reminder_at}}})
      EXPECT_EQ(encoded(domain::decide(from_batch, command)), encoded(domain::decide(from_alone, command)));
  }
  // The personal texts opened with their customer's key, in the batch as alone.
  EXPECT_NE(domain::customer_view(actors::recover(alone.journal.load_events(ids[3].value())))["cancel_reason"],
            nullptr);
  self->send_exit(router, caf::exit_reason::user_shutdown);
}

TEST(batched_loads, an_id_in_any_case_finds_its_order_and_one_that_is_no_uuid_finds_none_without_failing_the_batch) {
  test_support::test_database db{"loads"};
  test_support::repositories store{db.app_url()};
  persistence::append_item item;
  const std::string id = "6f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
  item.events.push_back({id, 1, "order_placed", R"({"x":1})", 1'767'225'600'123, {}});
  item.read_model.id = id;
  item.read_model.number = "CCC-000900";
  item.read_model.status = "pending";
  item.read_model.customer_ref = "7f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
  item.read_model.payment_method = "BTC";
  item.read_model.version = 1;
  item.read_model.view_json = "{}";
  ASSERT_EQ(store.journal.append_batch({item})[0], persistence::append_outcome::committed);

  std::string upper = id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto lists = store.journal.load_events_of({id, upper, "00000000-0000-4000-8000-000000000000"});
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].size(), 1u);
  EXPECT_EQ(lists[1].size(), 1u);  // any case names the same order
  EXPECT_TRUE(lists[2].empty());
  // Not a uuid: it names no order, and the others of its batch still load.
  const auto with_garbage = store.journal.load_events_of({id, "not-a-uuid", "'); drop table events; --"});
  ASSERT_EQ(with_garbage.size(), 3u);
  EXPECT_EQ(with_garbage[0].size(), 1u);
  EXPECT_TRUE(with_garbage[1].empty());
  EXPECT_TRUE(with_garbage[2].empty());
}

}  // namespace
