// Several nodes on one database: the singleton lease (a session advisory
// lock, one holder at a time, free the moment the holder's connection ends)
// and the heartbeat table that lists the live nodes and who holds what. Each
// lease connects as ccc_app, as the engine's runtime does.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "persistence/cluster_membership.hpp"
#include "persistence/singleton_lease.hpp"
#include "persistence_fixtures.hpp"

namespace {

using persistence::cluster_membership;
using persistence::singleton_lease;
using persistence_fixtures::probe;
using namespace std::chrono_literals;

class cluster : public ::testing::Test {
 protected:
  test_support::test_database db_{"cluster"};
  probe owner_{db_.url()};

  std::string holder_of(const std::string& singleton) {
    const auto rows = owner_.query("select node_name from cluster_singletons where name = $1", singleton);
    return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
  }
};

TEST_F(cluster, one_node_wins_the_lease_and_the_other_gets_it_once_the_first_connection_closes) {
  singleton_lease first{db_.app_url(), "retention", "node-a"};
  singleton_lease second{db_.app_url(), "retention", "node-b"};

  ASSERT_TRUE(first.try_acquire()) << first.last_error();
  EXPECT_FALSE(second.try_acquire()) << second.last_error();
  EXPECT_TRUE(first.try_acquire()) << "asking again while holding it keeps it";
  EXPECT_TRUE(first.still_held());
  EXPECT_FALSE(second.still_held());
  EXPECT_EQ(holder_of("retention"), "node-a");

  first.release();
  EXPECT_FALSE(first.still_held());
  ASSERT_TRUE(second.try_acquire()) << second.last_error();
  EXPECT_EQ(holder_of("retention"), "node-b");
  EXPECT_FALSE(first.try_acquire());
}

TEST_F(cluster, each_singleton_has_its_own_lease) {
  singleton_lease retention{db_.app_url(), "retention", "node-a"};
  singleton_lease watcher{db_.app_url(), "watcher_XMR", "node-b"};
  EXPECT_TRUE(retention.try_acquire());
  EXPECT_TRUE(watcher.try_acquire());
  EXPECT_EQ(holder_of("retention"), "node-a");
  EXPECT_EQ(holder_of("watcher_XMR"), "node-b");
}

// A holder whose connection dies (its node killed, the network gone) learns
// it on its next check and must stop; the lock is already free for another.
TEST_F(cluster, a_holder_whose_connection_dies_no_longer_holds_it_and_another_node_takes_it) {
  singleton_lease first{db_.app_url(), "retention", "node-a"};
  singleton_lease second{db_.app_url(), "retention", "node-b"};
  ASSERT_TRUE(first.try_acquire());

  owner_.query(
      "select pg_terminate_backend(pid) from pg_locks "
      "where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())");
  // The server ends the backend asynchronously.
  for (int i = 0; i < 100 && !second.try_acquire(); ++i) std::this_thread::sleep_for(20ms);

  EXPECT_TRUE(second.still_held());
  EXPECT_FALSE(first.still_held());
  EXPECT_FALSE(first.last_error().empty()) << "the broken connection is the reason";
  EXPECT_EQ(holder_of("retention"), "node-b");
}

TEST_F(cluster, a_lease_on_a_database_that_cannot_be_reached_is_simply_not_held) {
  singleton_lease lease{"postgresql://ccc_app@/nowhere?host=/nonexistent&connect_timeout=1", "retention", "node-a"};
  EXPECT_FALSE(lease.try_acquire());
  EXPECT_FALSE(lease.still_held());
  EXPECT_FALSE(lease.last_error().empty());
}

TEST_F(cluster, live_nodes_are_those_heard_from_within_the_window_and_holders_say_whether_they_live) {
  persistence::connection db{db_.app_url()};
  cluster_membership membership{db};
  membership.heartbeat("node-a", 1'000);
  membership.heartbeat("node-b", 2'000);
  membership.heartbeat("node-a", 3'000);  // restarted: one row, the new start
  owner_.query("update cluster_nodes set last_seen = now() - interval '1 minute' where name = 'node-b'");
  singleton_lease lease{db_.app_url(), "retention", "node-b"};
  ASSERT_TRUE(lease.try_acquire());

  const auto live = membership.live_nodes(10s);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].name, "node-a");
  EXPECT_EQ(live[0].started_at_ms, 3'000);
  EXPECT_GT(live[0].last_seen_ms, 3'000);

  auto holders = membership.singleton_holders(10s);
  ASSERT_EQ(holders.size(), 1u);
  EXPECT_EQ(holders[0].singleton, "retention");
  EXPECT_EQ(holders[0].node_name, "node-b");
  EXPECT_FALSE(holders[0].node_live) << "node-b was last seen a minute ago";

  membership.heartbeat("node-b", 2'000);
  holders = membership.singleton_holders(10s);
  EXPECT_TRUE(holders[0].node_live);
  EXPECT_EQ(membership.live_nodes(10s).size(), 2u);
}

}  // namespace
