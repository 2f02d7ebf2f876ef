// What waits for the journal's writers: one batch in flight carrying all that
// waits, a second writer only behind a full batch or a stuck writer, and no
// append left waiting while every writer sleeps.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "actors/journal_inbox.hpp"

namespace {

using namespace std::chrono_literals;
using actors::journal_inbox;

const journal_inbox::clock::time_point t0{};

persistence::append_item item_of(std::int64_t seq) {
  persistence::append_item item;
  item.events.push_back(persistence::stored_event{"00000000-0000-4000-8000-000000000001", seq, "e", "{}", 0, {}});
  return item;
}

TEST(journal_inbox, the_first_append_wakes_a_writer_and_what_arrives_meanwhile_waits_for_its_next_batch) {
  journal_inbox inbox{256, 2, 5s};
  EXPECT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));

  EXPECT_EQ(inbox.put(2, item_of(2), t0), std::nullopt) << "a second writer started beside the first";
  EXPECT_EQ(inbox.put(3, item_of(3), t0), std::nullopt);
  EXPECT_FALSE(inbox.take(1, t0)) << "the other writer took what one batch should carry";

  const auto next = inbox.take(0, t0 + 1ms);
  ASSERT_TRUE(next) << "the writer whose call returned found nothing to take";
  EXPECT_EQ(next->tickets, (std::vector<journal_inbox::ticket>{2, 3}));
  EXPECT_EQ(next->items.size(), 2u);
  const auto totals = inbox.totals();
  EXPECT_EQ(totals.batches, 2u);
  EXPECT_EQ(totals.appends, 3u);
  EXPECT_EQ(totals.largest_batch, 2u);
  EXPECT_EQ(totals.waiting, 0u);
}

TEST(journal_inbox, a_writer_that_finds_nothing_sleeps_and_the_next_append_wakes_it) {
  journal_inbox inbox{256, 1, 5s};
  ASSERT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));
  EXPECT_FALSE(inbox.take(0, t0)) << "an empty inbox gave a batch";
  EXPECT_EQ(inbox.put(2, item_of(2), t0), std::optional<std::size_t>{0}) << "the sleeping writer was not woken";
}

TEST(journal_inbox, a_second_writer_starts_only_behind_a_full_batch) {
  journal_inbox inbox{2, 2, 5s};
  ASSERT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));
  EXPECT_EQ(inbox.put(2, item_of(2), t0), std::nullopt);
  EXPECT_EQ(inbox.put(3, item_of(3), t0), std::optional<std::size_t>{1}) << "a full batch waited in vain";
  const auto beside = inbox.take(1, t0);
  ASSERT_TRUE(beside);
  EXPECT_EQ(beside->tickets, (std::vector<journal_inbox::ticket>{2, 3}));
}

TEST(journal_inbox, a_writer_busy_past_the_deadline_no_longer_holds_the_others_back) {
  journal_inbox inbox{256, 2, 5s};
  ASSERT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));
  ASSERT_EQ(inbox.put(2, item_of(2), t0 + 1s), std::nullopt);
  EXPECT_EQ(inbox.writer_to_wake(t0 + 4s), std::nullopt) << "a writer within its deadline counted as stuck";
  EXPECT_EQ(inbox.writer_to_wake(t0 + 6s), std::optional<std::size_t>{1}) << "a stuck writer held the append back";
}

TEST(journal_inbox, an_append_is_taken_back_only_while_no_writer_has_it) {
  journal_inbox inbox{256, 1, 5s};
  ASSERT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));
  for (journal_inbox::ticket t : {2, 3, 4}) inbox.put(t, item_of(static_cast<std::int64_t>(t)), t0);
  EXPECT_FALSE(inbox.withdraw(1)) << "an append in a writer's hands was taken back";
  EXPECT_TRUE(inbox.withdraw(3));
  EXPECT_FALSE(inbox.withdraw(3)) << "an append was taken back twice";
  EXPECT_EQ(inbox.totals().waiting, 2u);
  const auto next = inbox.take(0, t0);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->tickets, (std::vector<journal_inbox::ticket>{2, 4})) << "a withdrawn append was still written";
}

TEST(journal_inbox, once_closed_nothing_waiting_is_written) {
  journal_inbox inbox{256, 1, 5s};
  ASSERT_EQ(inbox.put(1, item_of(1), t0), std::optional<std::size_t>{0});
  ASSERT_TRUE(inbox.take(0, t0));
  inbox.put(2, item_of(2), t0);
  inbox.close();
  EXPECT_FALSE(inbox.take(0, t0)) << "a writer took an append the stopped journal had answered";
  EXPECT_EQ(inbox.totals().waiting, 0u);
}

}  // namespace
