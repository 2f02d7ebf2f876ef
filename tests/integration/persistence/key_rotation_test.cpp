// A master key rotation in the database: the root key and the customers'
// data keys rewrapped under the new master key, batch by batch, while other
// writers erase customers and change rows under it; what they did is kept.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "persistence/key_rotation.hpp"
#include "persistence_fixtures.hpp"
#include "sealing/key_file.hpp"

using namespace persistence_fixtures;
using persistence::append_outcome;
using sealing::secret_key;

namespace {

std::shared_ptr<const sealing::keyring> ring_of(std::vector<secret_key> keys) {
  return std::make_shared<const sealing::keyring>(std::move(keys));
}

class key_rotation_test : public ::testing::Test {
 protected:
  const secret_key old_key_ = secret_key::random();
  const secret_key new_key_ = secret_key::random();
  const secret_key root_ = secret_key::random();
  const std::string old_id_ = sealing::key_id(old_key_);
  const std::string new_id_ = sealing::key_id(new_key_);
  const sealing::keyring rotating_{std::vector<secret_key>{new_key_, old_key_}};

  test_support::test_database db_{"rotation"};
  // The engines before the rotation: the old master key alone.
  test_support::repositories before_{db_.url(), std::make_shared<const sealing::vault>(ring_of({old_key_}), root_)};
  probe side_{db_.url()};
  persistence::connection conn_{db_.url()};
  persistence::key_rotation rotation_{conn_};

  /// Customers placed through the journal, their data keys wrapped by the old master key.
  std::vector<std::string> customers(int n) {
    std::vector<persistence::append_item> items;
    std::vector<std::string> refs;
    for (int i = 0; i < n; ++i) {
      items.push_back(checkout_for(new_uuid(), "CCC-" + std::to_string(100000 + i),
                                   "customer" + std::to_string(i) + "@example.com", ""));
      refs.push_back(items.back().customer->ref);
    }
    for (auto outcome : before_.journal.append_batch(items)) EXPECT_EQ(outcome, append_outcome::committed);
    return refs;
  }

  void erase(const std::string& ref) {
    auto item = item_for(new_uuid(), 1, 1, "CCC-900000", ref);
    item.erases_customer = true;
    ASSERT_EQ(before_.journal.append_batch({item})[0], append_outcome::committed);
  }

  std::string wrapped_key_of(const std::string& ref) {
    auto rows = side_.query("select wrapped_key from customer_keys where ref = $1::uuid", ref);
    return rows.empty() ? "" : rows[0][0].as<std::string>();
  }

  persistence::key_rotation::rewrap_fn rewrap() const {
    return [this](const std::string& ref, const std::string& wrapped) {
      return rotating_.rewrap(wrapped, sealing::vault::customer_owner(ref));
    };
  }
};

TEST_F(key_rotation_test, every_customer_key_is_rewrapped_in_batches_and_opens_with_the_new_master_key_alone) {
  const auto refs = customers(25);
  EXPECT_EQ(rotation_.customer_keys_by_master_key(), (std::map<std::string, std::int64_t>{{old_id_, 25}}));

  const auto totals = rotation_.rewrap_customer_keys(old_id_, 10, rewrap());
  EXPECT_EQ(totals.rewrapped, 25);
  EXPECT_EQ(totals.left_alone, 0);
  EXPECT_EQ(totals.batches, 3);
  EXPECT_TRUE(totals.unopenable.empty());
  EXPECT_FALSE(totals.stalled);
  EXPECT_EQ(rotation_.customer_keys_by_master_key(), (std::map<std::string, std::int64_t>{{new_id_, 25}}));

  test_support::repositories after{db_.url(), std::make_shared<const sealing::vault>(ring_of({new_key_}), root_)};
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto customer = after.orders.find_customer(refs[i]);
    ASSERT_TRUE(customer) << refs[i];
    EXPECT_EQ(customer->email, "customer" + std::to_string(i) + "@example.com");
    EXPECT_EQ(customer->name, "Ada Lovelace");
  }
  EXPECT_THROW(before_.orders.find_customer(refs[0]), std::runtime_error) << "the old key alone opens it no more";
}

TEST_F(key_rotation_test, an_erased_customer_and_rows_erased_or_changed_meanwhile_are_left_as_they_are) {
  const auto refs = customers(6);
  const auto& erased_before = refs[0];
  const auto& erased_meanwhile = refs[1];
  const auto& changed_meanwhile = refs[2];
  erase(erased_before);
  const auto erased_row = side_.query("select erased_at::text from customers where ref = $1::uuid", erased_before);

  // Another writer's value for one row: a fresh wrap under the new key.
  const auto concurrent = rotating_.wrap(secret_key::random(), sealing::vault::customer_owner(changed_meanwhile));
  const auto inner = rewrap();
  std::vector<std::string> seen;
  const auto totals = rotation_.rewrap_customer_keys(old_id_, 100, [&](const std::string& ref, const std::string& w) {
    seen.push_back(ref);
    // Between the rotation's read and its write, as engines would.
    if (ref == erased_meanwhile) side_.query("delete from customer_keys where ref = $1::uuid", ref);
    if (ref == changed_meanwhile)
      side_.query("update customer_keys set wrapped_key = $2 where ref = $1::uuid", ref, concurrent);
    return inner(ref, w);
  });

  EXPECT_EQ(std::count(seen.begin(), seen.end(), erased_before), 0) << "an erased customer has no key to rewrap";
  EXPECT_EQ(totals.rewrapped, 3);
  EXPECT_EQ(totals.left_alone, 2);
  EXPECT_EQ(wrapped_key_of(erased_before), "");
  EXPECT_EQ(side_.query("select erased_at::text from customers where ref = $1::uuid", erased_before)[0][0].c_str(),
            erased_row[0][0].as<std::string>());
  EXPECT_EQ(side_.count("select count(*) from customers where ref = $1::uuid and email_sealed is null", erased_before),
            1);
  EXPECT_EQ(wrapped_key_of(erased_meanwhile), "") << "an erasure is not undone";
  EXPECT_EQ(wrapped_key_of(changed_meanwhile), concurrent) << "the other writer's value stays";
  for (const auto& ref : {refs[3], refs[4], refs[5]})
    EXPECT_EQ(sealing::keyring::key_id_of(wrapped_key_of(ref)), new_id_);
  EXPECT_EQ(rotation_.customer_keys_by_master_key(), (std::map<std::string, std::int64_t>{{new_id_, 4}}));
}

TEST_F(key_rotation_test, a_key_that_does_not_open_is_reported_and_left_and_the_pass_still_ends) {
  const auto refs = customers(3);
  side_.query("update customer_keys set wrapped_key = $2 where ref = $1::uuid", refs[0], old_id_ + ":bm90IGEga2V5");
  const auto totals = rotation_.rewrap_customer_keys(old_id_, 1, rewrap());
  EXPECT_EQ(totals.rewrapped, 2);
  EXPECT_EQ(totals.unopenable, (std::set<std::string>{refs[0]}));
  EXPECT_EQ(wrapped_key_of(refs[0]), old_id_ + ":bm90IGEga2V5");
  EXPECT_EQ(rotation_.customer_keys_by_master_key(), (std::map<std::string, std::int64_t>{{old_id_, 1}, {new_id_, 2}}));
}

TEST_F(key_rotation_test, a_row_another_transaction_holds_is_not_waited_for_but_rewrapped_once_it_is_free) {
  const auto refs = customers(3);
  pqxx::connection holder{db_.url()};
  auto lock = std::make_unique<pqxx::work>(holder);
  lock->exec_params("select 1 from customer_keys where ref = $1::uuid for update", refs[1]);
  std::thread release{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{400});
    lock->commit();
  }};
  const auto started = std::chrono::steady_clock::now();
  const auto totals = rotation_.rewrap_customer_keys(old_id_, 10, rewrap());
  const auto took = std::chrono::steady_clock::now() - started;
  release.join();
  EXPECT_EQ(totals.rewrapped, 3);
  EXPECT_EQ(totals.left_alone, 0) << "rewrapped in a later batch";
  EXPECT_GE(totals.batches, 2);
  EXPECT_GE(took, std::chrono::milliseconds{400});
  EXPECT_EQ(rotation_.customer_keys_by_master_key(), (std::map<std::string, std::int64_t>{{new_id_, 3}}));
}

TEST_F(key_rotation_test, the_root_key_is_replaced_only_over_the_value_read_and_keeps_opening_to_the_same_key) {
  const sealing::keyring old_ring{std::vector<secret_key>{old_key_}};
  const auto root = before_.shared.root_key(old_ring);
  const auto stored = rotation_.root_key();
  ASSERT_TRUE(stored);
  EXPECT_EQ(sealing::keyring::key_id_of(*stored), old_id_);
  const auto rewrapped = rotating_.rewrap(*stored, sealing::vault::root_owner);
  ASSERT_TRUE(rewrapped);
  EXPECT_FALSE(rotation_.replace_root_key("something else", *rewrapped));
  EXPECT_EQ(rotation_.root_key(), stored);
  EXPECT_TRUE(rotation_.replace_root_key(*stored, *rewrapped));
  EXPECT_EQ(before_.shared.root_key(sealing::keyring{std::vector<secret_key>{new_key_}}), root);
  EXPECT_THROW(before_.shared.root_key(old_ring), sealing::key_file_error);
}

TEST_F(key_rotation_test, one_rotation_at_a_time_holds_the_lock) {
  persistence::connection other{db_.url()};
  persistence::key_rotation second{other};
  EXPECT_TRUE(rotation_.try_lock());
  EXPECT_FALSE(second.try_lock());
}

}  // namespace
