// The mailer's claims on the outbox: what a batch takes when a backlog waits.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "persistence_fixtures.hpp"

using namespace persistence_fixtures;
using persistence::append_outcome;

namespace {

class outbox_claims : public ::testing::Test {
 protected:
  test_support::test_database db_{"outbox"};
  test_support::repositories store_{db_.app_url()};

  /// `count` orders placed one second apart, each owing one confirmation;
  /// returns the outbox ids from the oldest to the newest.
  std::vector<std::int64_t> backlog(int count) {
    for (int i = 0; i < count; ++i) {
      auto item = checkout_for(new_uuid(), "CCC-" + std::to_string(300000 + i), "ada@example.com", "",
                               t0_ms + i * 1000);
      item.outbox.push_back({"order_confirmation", "{}", t0_ms + i * 1000, {}});
      EXPECT_EQ(store_.journal.append_batch({item})[0], append_outcome::committed);
    }
    probe side{db_.url()};
    std::vector<std::int64_t> ids;
    for (const auto& row : side.query("select id from outbox order by next_attempt_at, id"))
      ids.push_back(row[0].as<std::int64_t>());
    return ids;
  }

  /// The ids one claim leased, in ascending order (a message twice shows twice).
  std::vector<std::int64_t> claim(int limit) {
    std::vector<std::int64_t> ids;
    for (const auto& entry : store_.outbox.claim_outbox(limit, std::chrono::minutes{5})) ids.push_back(entry.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

TEST_F(outbox_claims, a_batch_takes_the_newest_due_mail_beside_the_oldest) {
  const auto ids = backlog(10);
  ASSERT_EQ(ids.size(), 10u);

  EXPECT_EQ(claim(4), (std::vector<std::int64_t>{ids[0], ids[1], ids[8], ids[9]}));
  EXPECT_EQ(claim(4), (std::vector<std::int64_t>{ids[2], ids[3], ids[6], ids[7]}));
}

TEST_F(outbox_claims, repeated_claims_drain_the_whole_backlog_each_message_once) {
  const auto ids = backlog(9);
  std::multiset<std::int64_t> claimed;
  for (int round = 0; round < 5; ++round)
    for (auto id : claim(4)) claimed.insert(id);

  EXPECT_EQ(claimed, std::multiset<std::int64_t>(ids.begin(), ids.end()));
  EXPECT_TRUE(claim(4).empty()) << "all leased";
}

TEST_F(outbox_claims, a_batch_larger_than_the_backlog_takes_all_of_it_once) {
  const auto ids = backlog(3);

  EXPECT_EQ(claim(10), ids);
}

TEST_F(outbox_claims, mail_whose_sender_died_mid_send_is_left_uncertain_and_the_unsent_rest_is_claimed_again) {
  const auto ids = backlog(4);
  ASSERT_EQ(store_.outbox.claim_outbox(4, std::chrono::milliseconds{1}).size(), 4u);
  // The sender marked two as being sent, then died before recording them.
  store_.outbox.mark_sending({ids[0], ids[1]});
  std::this_thread::sleep_for(std::chrono::milliseconds{20});  // the 1 ms lease runs out

  EXPECT_EQ(claim(10), (std::vector<std::int64_t>{ids[2], ids[3]})) << "the two never handed over go out";
  const auto listed = store_.outbox.dead_mail(10);
  std::vector<std::int64_t> uncertain;
  for (const auto& entry : listed) {
    EXPECT_EQ(entry.status, "uncertain");
    uncertain.push_back(entry.id);
  }
  std::sort(uncertain.begin(), uncertain.end());
  EXPECT_EQ(uncertain, (std::vector<std::int64_t>{ids[0], ids[1]})) << "listed for the admin, not sent again";
  EXPECT_TRUE(claim(10).empty());

  EXPECT_TRUE(store_.outbox.retry_mail(ids[0]));
  EXPECT_EQ(claim(10), (std::vector<std::int64_t>{ids[0]})) << "the admin's retry sends it";
  EXPECT_FALSE(store_.outbox.retry_mail(ids[2])) << "a message in flight is neither dead nor uncertain";
}

TEST_F(outbox_claims, mail_recorded_as_sent_after_its_mark_is_never_uncertain) {
  const auto ids = backlog(2);
  ASSERT_EQ(store_.outbox.claim_outbox(2, std::chrono::milliseconds{1}).size(), 2u);
  store_.outbox.mark_sending(ids);
  store_.outbox.mark_sent({ids[0]});
  EXPECT_FALSE(store_.outbox.mark_failed(ids[1], "421 try later", std::chrono::milliseconds{0}, 8));
  std::this_thread::sleep_for(std::chrono::milliseconds{20});

  EXPECT_EQ(claim(10), (std::vector<std::int64_t>{ids[1]})) << "a failed send is retried as before";
  EXPECT_TRUE(store_.outbox.dead_mail(10).empty());
}

TEST_F(outbox_claims, a_batch_counts_each_recipients_emails_one_after_another_within_the_hour) {
  const std::int64_t hour_start = t0_ms - t0_ms % 3'600'000;

  EXPECT_EQ(store_.outbox.count_recipients({"a", "b", "a", "a"}, hour_start + 1000), (std::vector<int>{1, 1, 2, 3}));
  EXPECT_EQ(store_.outbox.count_recipients({"b", "a"}, hour_start + 2000), (std::vector<int>{2, 4}));
  EXPECT_EQ(store_.outbox.count_recipients({"a"}, hour_start + 3'600'000), (std::vector<int>{1})) << "the next hour";
  EXPECT_TRUE(store_.outbox.count_recipients({}, hour_start).empty());
}

// Half of each claim is the newest due mail. Behind a backlog (checkouts queue
// mail faster than it goes out, on a table whose statistics say little is
// pending) each half must walk the index of pending mail from its end, as many
// entries as it takes, instead of reading every due row and sorting them (35
// ms a claim behind 40,000 waiting). Watched through PostgreSQL's count of the
// entries read from outbox_due, which a session publishes as it goes idle at
// most once a second.
TEST_F(outbox_claims, a_claim_behind_a_backlog_reads_about_as_many_index_entries_as_it_takes) {
  backlog(1);
  probe side{db_.url()};
  side.query(
      "insert into outbox (order_id, kind, payload, created_at, next_attempt_at) "
      "select order_id, kind, payload, created_at, next_attempt_at - (g / 8) * interval '1 ms' "
      "from outbox, generate_series(1, 20000) g");
  const auto entries_read = [&side] {
    return side.count("select idx_tup_read from pg_stat_user_indexes where indexrelname = 'outbox_due'");
  };
  std::this_thread::sleep_for(std::chrono::milliseconds{1100});  // the store's session publishes at once
  const auto before = entries_read();

  ASSERT_EQ(claim(64).size(), 64u);

  const auto read = entries_read() - before;
  EXPECT_GE(read, 64) << "the claim's reads are published";
  EXPECT_LT(read, 1000) << "20,001 are due";
}

}  // namespace
