// `order_engine keys rotate` as a function on a real PostgreSQL: what it
// leaves in the key file when it finishes, when it cannot, and when it picks
// up a rotation begun earlier (the cluster procedure of docs/SECURITY.md).
// The whole command on the real binary under load is in tests/e2e.

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <sstream>
#include <thread>

#include "assembly/keys_command.hpp"
#include "integration/persistence/persistence_fixtures.hpp"
#include "persistence/key_rotation.hpp"
#include "sealing/key_file.hpp"

using namespace persistence_fixtures;
using sealing::secret_key;

namespace {

class keys_command_test : public ::testing::Test {
 protected:
  test_support::test_database db_{"keys_command"};
  test_support::master_key_file key_file_;
  const secret_key old_key_ = sealing::read_key_file(key_file_.path()).at(0);
  probe side_{db_.url()};
  std::map<std::string, std::string> emails_;  // of each customer ref
  std::vector<std::string> refs_;

  void SetUp() override { add_customers(3); }

  /// Customers of a shop running on the key file as it is.
  void add_customers(int n) {
    test_support::repositories shop{db_.url(), test_support::shop_vault(db_.url(), key_file_.path())};
    std::vector<persistence::append_item> items;
    for (int i = 0; i < n; ++i) {
      const auto k = std::to_string(refs_.size());
      items.push_back(checkout_for(new_uuid(), "CCC-1" + k, "c" + k + "@example.com", ""));
      refs_.push_back(items.back().customer->ref);
      emails_[refs_.back()] = items.back().customer->email;
    }
    for (auto outcome : shop.journal.append_batch(items)) ASSERT_EQ(outcome, persistence::append_outcome::committed);
  }

  int rotate(std::string& output) {
    config::engine_config config;
    config.database.url = db_.url();
    config.security.master_key_file = key_file_.path();
    std::ostringstream out, err;
    const int code = assembly::keys_command(config, {"rotate"}, out, err, {std::chrono::milliseconds{0}, 2});
    output = out.str() + err.str();
    return code;
  }

  std::map<std::string, std::int64_t> rows_by_key() {
    persistence::connection conn{db_.url()};
    return persistence::key_rotation{conn}.customer_keys_by_master_key();
  }

  /// Every customer reads back with the keys of the file as it is now.
  void expect_customers_open() {
    test_support::repositories shop{db_.url(), test_support::shop_vault(db_.url(), key_file_.path())};
    for (const auto& [ref, email] : emails_) {
      const auto customer = shop.orders.find_customer(ref);
      ASSERT_TRUE(customer);
      EXPECT_EQ(customer->email, email);
    }
  }
};

TEST_F(keys_command_test, a_file_of_two_keys_is_a_rotation_begun_earlier_and_its_first_key_stays_alone) {
  const auto prepared = secret_key::random();
  sealing::write_key_file(key_file_.path(), {prepared, old_key_});  // as every node of a cluster got it
  std::string output;
  ASSERT_EQ(rotate(output), 0) << output;
  EXPECT_EQ(sealing::read_key_file(key_file_.path()), std::vector<secret_key>{prepared}) << "no third key made";
  EXPECT_EQ(rows_by_key(), (std::map<std::string, std::int64_t>{{sealing::key_id(prepared), 3}}));
  expect_customers_open();
}

TEST_F(keys_command_test, a_key_that_does_not_open_stops_it_before_the_old_key_is_dropped_and_a_second_run_goes_on) {
  const auto old_id = sealing::key_id(old_key_);
  side_.query("update customer_keys set wrapped_key = $2 where ref = $1::uuid", refs_[0], old_id + ":bm90IGEga2V5");
  std::string output;
  EXPECT_EQ(rotate(output), 1) << output;
  EXPECT_NE(output.find("do not open"), std::string::npos) << output;
  EXPECT_NE(output.find(refs_[0]), std::string::npos) << output;
  const auto keys = sealing::read_key_file(key_file_.path());
  ASSERT_EQ(keys.size(), 2u) << "the old key is still there for what it wrapped";
  EXPECT_EQ(keys[1], old_key_);
  const auto new_key = keys[0];

  // The operator deals with the broken row; the next run goes on with the same new key.
  side_.query("delete from customer_keys where ref = $1::uuid", refs_[0]);
  ASSERT_EQ(rotate(output), 0) << output;
  EXPECT_EQ(sealing::read_key_file(key_file_.path()), std::vector<secret_key>{new_key});
  EXPECT_EQ(rows_by_key(), (std::map<std::string, std::int64_t>{{sealing::key_id(new_key), 2}}));
  emails_.erase(refs_[0]);
  expect_customers_open();
}

TEST_F(keys_command_test, the_old_key_leaves_the_file_only_once_no_customer_key_needs_it) {
  add_customers(400);  // two per transaction: the rewrap takes a while
  const auto old_id = sealing::key_id(old_key_);
  std::atomic<bool> done{false};
  std::size_t looks = 0, violations = 0;
  std::thread watcher{[&] {
    probe side{db_.url()};
    for (; !done; ++looks) {
      const bool old_key_in_file = sealing::read_key_file(key_file_.path()).back() == old_key_;
      if (!old_key_in_file &&
          side.count("select count(*) from customer_keys where split_part(wrapped_key, ':', 1) = $1", old_id) > 0)
        ++violations;
    }
  }};
  std::string output;
  const int code = rotate(output);
  done = true;
  watcher.join();
  ASSERT_EQ(code, 0) << output;
  EXPECT_GT(looks, 20u);
  EXPECT_EQ(violations, 0u) << "the file lacked the old key while customers still needed it";
  expect_customers_open();
}

TEST_F(keys_command_test, while_another_rotation_runs_it_changes_nothing) {
  persistence::connection other{db_.url()};
  persistence::key_rotation running{other};
  ASSERT_TRUE(running.try_lock());
  std::string output;
  EXPECT_EQ(rotate(output), 1) << output;
  EXPECT_NE(output.find("another key rotation is running"), std::string::npos) << output;
  EXPECT_EQ(sealing::read_key_file(key_file_.path()), std::vector<secret_key>{old_key_});
  EXPECT_EQ(rows_by_key(), (std::map<std::string, std::int64_t>{{sealing::key_id(old_key_), 3}}));
}

}  // namespace
