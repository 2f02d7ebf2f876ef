// Migrations: every node runs migrate() at start-up, possibly at the same
// moment; the schema must come out the same, once.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "persistence/migrate.hpp"
#include "persistence_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace {

using persistence_fixtures::probe;
using test_support::test_database;

std::vector<int> shipped_versions() {
  std::set<int> versions;
  for (const auto& entry : std::filesystem::directory_iterator(ORDER_ENGINE_MIGRATIONS_DIR)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() == ".sql" && !name.empty() && std::isdigit(name[0])) versions.insert(std::stoi(name));
  }
  return {versions.begin(), versions.end()};
}

TEST(migrate, applies_every_shipped_migration_once_and_then_nothing) {
  test_database db{"migrate_once", test_database::schema::empty};
  const auto expected = shipped_versions();
  ASSERT_FALSE(expected.empty());

  EXPECT_EQ(persistence::migrate(db.url()), expected);
  EXPECT_EQ(persistence::migrate(db.url()), std::vector<int>{});

  probe side{db.url()};
  EXPECT_EQ(side.count("select count(*) from schema_migrations"), static_cast<std::int64_t>(expected.size()));
  for (const char* table :
       {"events", "orders", "customers", "idempotency_keys", "products", "engine_secrets", "order_number_blocks"})
    EXPECT_EQ(side.count("select count(*) from pg_class where relname = $1", std::string{table}), 1) << table;
}

TEST(migrate, two_nodes_starting_at_once_apply_each_migration_exactly_once) {
  for (int round = 0; round < 5; ++round) {
    test_database db{"migrate_race", test_database::schema::empty};
    std::vector<int> first, second;
    std::exception_ptr first_error, second_error;
    std::thread a{[&] {
      try {
        first = persistence::migrate(db.url());
      } catch (...) {
        first_error = std::current_exception();
      }
    }};
    std::thread b{[&] {
      try {
        second = persistence::migrate(db.url());
      } catch (...) {
        second_error = std::current_exception();
      }
    }};
    a.join();
    b.join();
    ASSERT_FALSE(first_error) << "first node failed to migrate";
    ASSERT_FALSE(second_error) << "second node failed to migrate";

    // One of them did all the work, the other found it done.
    std::vector<int> all = first;
    all.insert(all.end(), second.begin(), second.end());
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, shipped_versions()) << "round " << round;
    EXPECT_TRUE(first.empty() || second.empty()) << "round " << round;
  }
}

TEST(migrate, a_failing_migration_leaves_no_trace_and_earlier_ones_stay) {
  test_database db{"migrate_fail", test_database::schema::empty};
  test_support::temp_dir dir{"ccc-migrations"};
  dir.write("001_first.sql", "create table first_table (id int primary key);");
  dir.write("002_broken.sql", "create table second_table (id int); insert into no_such_table values (1);");
  dir.write("notes.txt", "not a migration");

  EXPECT_THROW(persistence::migrate(db.url(), dir.path()), std::runtime_error);

  probe side{db.url()};
  EXPECT_EQ(side.count("select count(*) from schema_migrations"), 1);
  EXPECT_EQ(side.count("select count(*) from pg_class where relname = 'first_table'"), 1);
  EXPECT_EQ(side.count("select count(*) from pg_class where relname = 'second_table'"), 0);

  // Fixed file: the next start applies just that one.
  dir.write("002_broken.sql", "create table second_table (id int);");
  EXPECT_EQ(persistence::migrate(db.url(), dir.path()), std::vector<int>{2});
  EXPECT_EQ(side.count("select count(*) from pg_class where relname = 'second_table'"), 1);
}

TEST(migrate, applies_in_numeric_order_not_name_order) {
  test_database db{"migrate_order", test_database::schema::empty};
  test_support::temp_dir dir{"ccc-migrations"};
  // "10_" sorts before "9_" as text; 9 creates what 10 alters.
  dir.write("9_create.sql", "create table t (a int);");
  dir.write("10_alter.sql", "alter table t add column b int;");
  EXPECT_EQ(persistence::migrate(db.url(), dir.path()), (std::vector<int>{9, 10}));
}

TEST(migrate, refuses_two_files_with_one_version) {
  test_database db{"migrate_dup", test_database::schema::empty};
  test_support::temp_dir dir{"ccc-migrations"};
  dir.write("001_a.sql", "select 1;");
  dir.write("1_b.sql", "select 1;");
  EXPECT_THROW(persistence::migrate(db.url(), dir.path()), std::runtime_error);
}

TEST(migrate, reports_a_missing_directory) {
  test_database db{"migrate_nodir", test_database::schema::empty};
  EXPECT_THROW(persistence::migrate(db.url(), "/nonexistent/migrations"), std::runtime_error);
}

}  // namespace
