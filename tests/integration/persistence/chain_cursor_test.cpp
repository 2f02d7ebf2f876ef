// Where a block-scanning chain watcher stopped (migration 015): stored per coin
// as the runtime role (ccc_app) writes it, set back after a reorganisation.

#include <gtest/gtest.h>

#include "persistence/chain_cursor_store.hpp"
#include "persistence_fixtures.hpp"

namespace {

class chain_cursor : public ::testing::Test {
 protected:
  test_support::test_database db_{"chain_cursor"};
  persistence::connection conn_{db_.app_url()};  // as the runtime connects: ccc_app
  persistence::chain_cursor_store store_{conn_};
};

TEST_F(chain_cursor, is_absent_before_the_first_scan_then_kept_per_coin_and_set_back_after_a_reorganisation) {
  EXPECT_FALSE(store_.next_block("ETH"));
  store_.advance("ETH", 1'200, 1'000);
  store_.advance("USDC", 900, 1'000);
  EXPECT_EQ(store_.next_block("ETH"), 1'200u);
  EXPECT_EQ(store_.next_block("USDC"), 900u);
  store_.advance("ETH", 1'195, 2'000);  // the chain forked below 1,200: read again from there
  EXPECT_EQ(store_.next_block("ETH"), 1'195u);
  persistence::connection again{db_.app_url()};  // a restart, or another node
  EXPECT_EQ(persistence::chain_cursor_store{again}.next_block("ETH"), 1'195u);
}

}  // namespace
