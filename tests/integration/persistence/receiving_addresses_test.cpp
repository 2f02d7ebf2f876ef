// Per-order receiving addresses in the database (migration 012): an index of an
// account goes to one order only, whoever hands it out; a retried checkout gets
// its order's address again; a wallet's index another order holds is refused.

#include <future>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "persistence/receiving_address_store.hpp"
#include "persistence_fixtures.hpp"

namespace {

using persistence::claimed_address;
using persistence::receiving_address_store;
using persistence_fixtures::new_uuid;

std::optional<std::string> address_of(std::uint32_t index) { return "bcrt1q-test-" + std::to_string(index); }

class receiving_addresses : public ::testing::Test {
 protected:
  test_support::test_database db_{"receiving_addresses"};
  persistence::connection conn_{db_.app_url()};  // as the runtime connects: ccc_app
  receiving_address_store store_{conn_};
};

TEST_F(receiving_addresses, orders_get_the_accounts_indexes_in_order_from_zero_with_their_addresses) {
  const auto first = store_.reserve_next("BTC", "acct-a", new_uuid(), address_of);
  const auto second = store_.reserve_next("BTC", "acct-a", new_uuid(), address_of);
  EXPECT_EQ(first.index, 0u);
  EXPECT_EQ(first.address, "bcrt1q-test-0");
  EXPECT_EQ(second.index, 1u);
  EXPECT_EQ(second.address, "bcrt1q-test-1");
  // Another account, or another coin, counts on its own.
  EXPECT_EQ(store_.reserve_next("BTC", "acct-b", new_uuid(), address_of).index, 0u);
  EXPECT_EQ(store_.reserve_next("ETH", "acct-a", new_uuid(), address_of).index, 0u);
}

TEST_F(receiving_addresses, a_retried_checkout_gets_its_orders_address_again_and_uses_no_index) {
  const auto order = new_uuid();
  const auto first = store_.reserve_next("BTC", "acct", order, address_of);
  const auto again = store_.reserve_next("BTC", "acct", order, address_of);
  EXPECT_EQ(again.index, first.index);
  EXPECT_EQ(again.address, first.address);
  EXPECT_EQ(store_.reserve_next("BTC", "acct", new_uuid(), address_of).index, first.index + 1);
}

TEST_F(receiving_addresses, an_index_bip32_cannot_derive_is_skipped) {
  auto without_one = [](std::uint32_t index) -> std::optional<std::string> {
    if (index == 1) return std::nullopt;
    return address_of(index);
  };
  EXPECT_EQ(store_.reserve_next("BTC", "acct", new_uuid(), without_one).index, 0u);
  EXPECT_EQ(store_.reserve_next("BTC", "acct", new_uuid(), without_one).index, 2u);
}

TEST_F(receiving_addresses, nodes_reserving_at_once_never_get_the_same_index) {
  constexpr int nodes = 4;
  constexpr int each = 25;
  std::vector<std::future<std::vector<std::uint32_t>>> runs;
  for (int n = 0; n < nodes; ++n)
    runs.push_back(std::async(std::launch::async, [url = db_.app_url()] {
      persistence::connection conn{url};
      receiving_address_store store{conn};
      std::vector<std::uint32_t> got;
      for (int k = 0; k < each; ++k) got.push_back(store.reserve_next("BTC", "acct", new_uuid(), address_of).index);
      return got;
    }));
  std::set<std::uint32_t> all;
  for (auto& run : runs)
    for (auto index : run.get()) EXPECT_TRUE(all.insert(index).second) << "index " << index << " given twice";
  EXPECT_EQ(all.size(), std::size_t{nodes * each});
  EXPECT_EQ(*all.rbegin(), std::uint32_t{nodes * each - 1}) << "no gaps: the wallet's gap limit sees them all";
}

TEST_F(receiving_addresses, a_wallets_subaddress_index_goes_to_one_order_per_account) {
  const auto first_order = new_uuid();
  const auto claimed = store_.claim("XMR", "0", 1, "8first", first_order);
  EXPECT_EQ(claimed.outcome, claimed_address::claimed);
  // A wallet rebuilt from its keys offers index 1 again, to another order.
  const auto again = store_.claim("XMR", "0", 1, "8first", new_uuid());
  EXPECT_EQ(again.outcome, claimed_address::taken);
  // Another account of the wallet numbers its own subaddresses.
  EXPECT_EQ(store_.claim("XMR", "1", 1, "8other", new_uuid()).outcome, claimed_address::claimed);
  // The first order's retried checkout keeps the address it has.
  const auto retried = store_.claim("XMR", "0", 2, "8second", first_order);
  EXPECT_EQ(retried.outcome, claimed_address::order_has_one);
  EXPECT_EQ(retried.address.index, 1u);
  EXPECT_EQ(retried.address.address, "8first");
  EXPECT_EQ(store_.claim("XMR", "0", 2, "8second", new_uuid()).outcome, claimed_address::claimed)
      << "index 2 was left free";
}

TEST_F(receiving_addresses, the_database_itself_refuses_a_second_order_on_one_index) {
  store_.claim("XMR", "0", 7, "8seven", new_uuid());
  pqxx::connection owner{db_.url()};
  pqxx::work txn{owner};
  EXPECT_THROW(txn.exec("insert into receiving_address_indexes (coin, account, derivation_index, address, order_id) "
                        "values ('XMR', '0', 7, '8seven', '" +
                        new_uuid() + "')"),
               pqxx::unique_violation);
}

}  // namespace
