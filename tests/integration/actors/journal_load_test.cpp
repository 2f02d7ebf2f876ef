// The journal's writers' time on batches, as the mailer reads it.

#include <gtest/gtest.h>

#include "actors/journal_load.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = actors::journal_load::clock;

const clock_type::time_point start{std::chrono::seconds{1000}};

TEST(journal_load, a_finished_batch_counts_from_its_start_to_its_end) {
  actors::journal_load load;
  EXPECT_EQ(load.writing_until(start), 0ms);
  load.batch_started(start);
  load.batch_finished(start, start + 3ms);
  EXPECT_EQ(load.writing_until(start + 10ms), 3ms);
}

TEST(journal_load, a_batch_in_progress_counts_up_to_now) {
  actors::journal_load load;
  load.batch_started(start);
  EXPECT_EQ(load.writing_until(start + 2ms), 2ms);
  EXPECT_EQ(load.writing_until(start + 7ms), 7ms) << "a writer stuck on a lock stays busy";
  load.batch_finished(start, start + 8ms);
  EXPECT_EQ(load.writing_until(start + 20ms), 8ms);
}

TEST(journal_load, two_writers_side_by_side_count_twice) {
  actors::journal_load load;
  load.batch_started(start);
  load.batch_started(start + 1ms);
  EXPECT_EQ(load.writing_until(start + 3ms), 3ms + 2ms);
  load.batch_finished(start, start + 4ms);
  EXPECT_EQ(load.writing_until(start + 5ms), 4ms + 4ms);
  load.batch_finished(start + 1ms, start + 6ms);
  EXPECT_EQ(load.writing_until(start + 9ms), 4ms + 5ms);
}

}  // namespace
