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
#include <nlohmann/json.hpp>

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

// Migration 029 keeps one index for the order number: unique on its lower
// case, which the admin's search by prefix and the matcher's memo use too.
// Two numbers that differ in case alone cannot both be stored, and a lookup
// by number stays exact.
TEST(migrate, an_order_number_is_unique_whatever_its_case_and_looked_up_exactly) {
  test_database db{"migrate_numbers"};
  probe side{db.url()};
  const auto insert_order = [&](const std::string& number) {
    side.query(
        "insert into orders (id, number, status, customer_ref, payment_method, total_cents, created_at, "
        "updated_at, version, view) values ($1::uuid, $2, 'pending', $3::uuid, 'XMR', 5998, now(), now(), 1, "
        "'{}'::json)",
        persistence_fixtures::new_uuid(), number, persistence_fixtures::new_uuid());
  };
  insert_order("CCC-000777");
  try {
    insert_order("ccc-000777");
    ADD_FAILURE() << "a number differing in case alone was stored";
  } catch (const pqxx::unique_violation& e) {
    EXPECT_NE(std::string{e.what()}.find("orders_by_number"), std::string::npos) << e.what();
  }
  insert_order("CCC-000778");
  EXPECT_EQ(side.count("select count(*) from orders"), 2);

  test_support::repositories store{db.app_url()};
  ASSERT_TRUE(store.orders.find_order_by_number("CCC-000777"));
  EXPECT_EQ(store.orders.find_order_by_number("CCC-000777")->number, "CCC-000777");
  EXPECT_FALSE(store.orders.find_order_by_number("ccc-000777"));
  EXPECT_EQ(
      side.count("select count(*) from pg_indexes where tablename = 'orders' and indexdef like '%btree (number%'"), 0)
      << "no second index on the number";
}

// Migration 026 keeps the journal's documents as json, the text as written:
// what an older database holds reads back the same after it, and what is
// written after it comes back byte for byte.
TEST(migrate, documents_written_before_026_read_back_the_same_and_later_ones_as_written) {
  using persistence_fixtures::checkout_for;
  using persistence_fixtures::new_uuid;
  test_database db{"migrate_documents", test_database::schema::empty};
  test_support::temp_dir before_026{"ccc-migrations"};
  for (const auto& entry : std::filesystem::directory_iterator(ORDER_ENGINE_MIGRATIONS_DIR)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() == ".sql" && std::isdigit(name[0]) && std::stoi(name) < 26)
      std::filesystem::copy_file(entry.path(), before_026.path() / name);
  }
  ASSERT_EQ(persistence::migrate(db.url(), before_026.path()).size(), 25u);
  test_support::temp_dir up_to_026{"ccc-migrations"};
  for (const auto& entry : std::filesystem::directory_iterator(ORDER_ENGINE_MIGRATIONS_DIR)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() == ".sql" && std::isdigit(name[0]) && std::stoi(name) <= 26)
      std::filesystem::copy_file(entry.path(), up_to_026.path() / name);
  }

  // Keys out of order, escapes and non-ASCII text: jsonb sorted and respaced them.
  const std::string payload = R"({"zeta":1,"alpha":"Zoë \"quoted\" \\ \n line","list":[3,1,2]})";
  const std::string view =
      R"({"status":"pending","number":"CCC-000301","items":[{"sku":"HP-64","name":"Tinte—schwarz"}]})";
  const std::string mail = R"({"message":"Bitte überweisen","refund":{"txid":"f00d","amount_atomic":"5"}})";
  const auto with_documents = [&](const std::string& order, const std::string& number) {
    auto item = checkout_for(order, number, number + "@example.com", "key-" + number);
    item.events[0].payload_json = payload;
    item.read_model.view_json = view;
    item.outbox.push_back({"order_confirmation", mail, persistence_fixtures::t0_ms, {}});
    return item;
  };
  // Written as an engine of before 026 wrote them, into jsonb: by hand, as
  // today's journal calls functions that 025 does not have.
  const auto older = new_uuid();
  {
    probe before{db.url()};
    before.query(
        "insert into orders (id, number, status, customer_ref, payment_method, total_cents, created_at, "
        "updated_at, version, view) values ($1::uuid, 'CCC-000301', 'pending', $2::uuid, 'XMR', 5998, "
        "now(), now(), 1, $3::jsonb)",
        older, new_uuid(), view);
    before.query(
        "insert into events (order_id, seq, type, payload, recorded_at) "
        "values ($1::uuid, 1, 'order_placed', $2::jsonb, now())",
        older, payload);
    before.query(
        "insert into outbox (order_id, kind, payload, created_at, next_attempt_at) "
        "values ($1::uuid, 'order_confirmation', $2::jsonb, now(), now())",
        older, mail);
  }

  EXPECT_EQ(persistence::migrate(db.url(), up_to_026.path()), std::vector<int>{26});

  probe side{db.url()};
  for (const auto& [table, column] : {std::pair{"events", "payload"}, {"orders", "view"}, {"outbox", "payload"}})
    EXPECT_EQ(side.query("select data_type from information_schema.columns where table_name = $1 and "
                         "column_name = $2",
                         std::string{table}, std::string{column})[0][0]
                  .as<std::string>(),
              "json")
        << table << "." << column;
  const auto stored_mail = [&](const std::string& order) {
    return side.query("select payload::text from outbox where order_id = $1::uuid", order)[0][0].as<std::string>();
  };
  // The later migrations, which today's journal needs (028: documents beside the rows).
  EXPECT_FALSE(persistence::migrate(db.url(), ORDER_ENGINE_MIGRATIONS_DIR).empty());
  test_support::repositories store{db.app_url()};
  EXPECT_EQ(nlohmann::json::parse(store.journal.load_events(older).at(0).payload_json), nlohmann::json::parse(payload));
  EXPECT_EQ(nlohmann::json::parse(store.orders.find_order(older)->view_json), nlohmann::json::parse(view));
  EXPECT_EQ(nlohmann::json::parse(stored_mail(older)), nlohmann::json::parse(mail));

  const auto newer = new_uuid();
  ASSERT_EQ(store.journal.append_batch({with_documents(newer, "CCC-000302")}),
            std::vector<persistence::append_outcome>{persistence::append_outcome::committed});
  EXPECT_EQ(store.journal.load_events(newer).at(0).payload_json, payload);
  EXPECT_EQ(store.orders.find_order(newer)->view_json, view);
  EXPECT_EQ(stored_mail(newer), mail);
}

}  // namespace
