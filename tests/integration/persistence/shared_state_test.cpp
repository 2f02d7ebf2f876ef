// What every node shares through the database: the catalog, order number
// blocks and engine secrets; and the store's connection health.

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "persistence/database_admin.hpp"
#include "persistence_fixtures.hpp"

namespace {

using persistence::product_row;
using store = test_support::repositories;
using persistence_fixtures::probe;

class shared_state : public ::testing::Test {
 protected:
  test_support::test_database db_{"shared_state"};
  store store_{db_.url()};
};

product_row product(const std::string& sku, std::int64_t price, int position) {
  return {sku, "Toner " + sku, "Black toner for " + sku, price, "/img/" + sku + ".png", 12, position};
}

std::vector<std::string> skus(const std::vector<product_row>& products) {
  std::vector<std::string> result;
  for (const auto& p : products) result.push_back(p.sku);
  return result;
}

TEST_F(shared_state, products_load_in_display_order_with_every_field) {
  EXPECT_TRUE(store_.catalog.load_products().empty());
  store_.catalog.upsert_products({product("TN-B", 2999, 2), product("TN-A", 1999, 1), product("TN-C", 3999, 1)});

  const auto loaded = store_.catalog.load_products();
  EXPECT_EQ(skus(loaded), (std::vector<std::string>{"TN-A", "TN-C", "TN-B"}));
  const auto& a = loaded[0];
  EXPECT_EQ(a.name, "Toner TN-A");
  EXPECT_EQ(a.description, "Black toner for TN-A");
  EXPECT_EQ(a.price_cents, 1999);
  EXPECT_EQ(a.image_url, "/img/TN-A.png");
  EXPECT_EQ(a.stock, 12);
  EXPECT_EQ(a.position, 1);
}

TEST_F(shared_state, upserting_products_updates_existing_ones_and_adds_new_ones) {
  store_.catalog.upsert_products({product("TN-A", 1999, 1), product("TN-B", 2999, 2)});
  auto changed = product("TN-B", 2499, 0);
  changed.stock = 0;
  store_.catalog.upsert_products({changed, product("TN-D", 999, 3)});

  const auto loaded = store_.catalog.load_products();
  EXPECT_EQ(skus(loaded), (std::vector<std::string>{"TN-B", "TN-A", "TN-D"}));
  EXPECT_EQ(loaded[0].price_cents, 2499);
  EXPECT_EQ(loaded[0].stock, 0);
}

TEST_F(shared_state, the_last_of_two_rows_for_one_sku_wins) {
  store_.catalog.upsert_products({product("TN-A", 1000, 1), product("TN-A", 2000, 1)});
  const auto loaded = store_.catalog.load_products();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].price_cents, 2000);
}

TEST_F(shared_state, two_nodes_never_get_the_same_order_number_block) {
  store other_node{db_.url()};
  std::vector<std::int64_t> mine, theirs;
  auto a = std::async(std::launch::async, [&] {
    for (int i = 0; i < 50; ++i) mine.push_back(store_.shared.next_order_number_block());
  });
  auto b = std::async(std::launch::async, [&] {
    for (int i = 0; i < 50; ++i) theirs.push_back(other_node.shared.next_order_number_block());
  });
  a.get();
  b.get();

  EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
  EXPECT_TRUE(std::is_sorted(theirs.begin(), theirs.end()));
  std::set<std::int64_t> all(mine.begin(), mine.end());
  all.insert(theirs.begin(), theirs.end());
  EXPECT_EQ(all.size(), 100u);
  // Block 1 covers order numbers 1..100: the first block handed out is 1.
  EXPECT_EQ(*all.begin(), 1);
}

TEST_F(shared_state, the_first_secret_stored_is_the_one_every_node_gets) {
  store other_node{db_.url()};
  EXPECT_EQ(store_.shared.secret("token_key", "alpha"), "alpha");
  EXPECT_EQ(other_node.shared.secret("token_key", "beta"), "alpha");
  EXPECT_EQ(store_.shared.secret("token_key", "gamma"), "alpha");
  EXPECT_EQ(other_node.shared.secret("other_key", "delta"), "delta");
}

TEST_F(shared_state, nodes_starting_at_once_agree_on_one_secret) {
  constexpr int nodes = 6;
  std::vector<std::unique_ptr<store>> stores;
  for (int i = 0; i < nodes; ++i) stores.push_back(std::make_unique<store>(db_.url()));
  std::promise<void> go;
  auto start = go.get_future().share();
  std::vector<std::future<std::string>> answers;
  for (int i = 0; i < nodes; ++i)
    answers.push_back(std::async(std::launch::async, [&, i] {
      start.wait();
      return stores[i]->shared.secret("race_key", "candidate-" + std::to_string(i));
    }));
  go.set_value();

  std::set<std::string> values;
  for (auto& answer : answers) values.insert(answer.get());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values.begin()->rfind("candidate-", 0), 0u);
}

TEST_F(shared_state, ping_reports_a_lost_connection_and_the_next_call_reconnects) {
  EXPECT_TRUE(store_.ping());

  probe admin{db_.admin_url()};
  ASSERT_EQ(admin.count("select count(pg_terminate_backend(pid)) from pg_stat_activity "
                        "where datname = $1",
                        db_.name()),
            1);

  EXPECT_FALSE(store_.ping());
  EXPECT_TRUE(store_.ping());
  // Prepared statements came back with the new connection.
  store_.catalog.upsert_products({product("TN-A", 1999, 1)});
  EXPECT_EQ(store_.catalog.load_products().size(), 1u);
}

TEST_F(shared_state, a_store_that_cannot_connect_throws) {
  EXPECT_ANY_THROW(store{persistence::url_with_database(db_.admin_url(), "no_such_database")});
}

TEST(url_with_database, replaces_only_the_database) {
  using persistence::url_with_database;
  EXPECT_EQ(url_with_database("postgresql://postgres@/postgres?host=/tmp/sock", "t_1"),
            "postgresql://postgres@/t_1?host=/tmp/sock");
  EXPECT_EQ(url_with_database("postgresql://u:p@db.local:5433/engine", "t_2"), "postgresql://u:p@db.local:5433/t_2");
  EXPECT_EQ(url_with_database("postgres://db.local", "t_3"), "postgres://db.local/t_3");
  EXPECT_EQ(url_with_database("host=/tmp/sock user=postgres", "t_4"), "host=/tmp/sock user=postgres dbname='t_4'");
}

}  // namespace
