// How long the mailer waits after a group: held to rate_while_busy only while
// the journal's writers were busy for half the group's time or more.

#include <gtest/gtest.h>

#include "mail/pacing.hpp"

namespace {

using namespace std::chrono_literals;
using clock_type = mail::pacing::clock;

const clock_type::time_point start{std::chrono::seconds{1000}};

TEST(pacing, a_group_sent_while_the_writer_was_busy_waits_out_its_share_of_the_rate) {
  const mail::pacing pace{100};  // 16 messages: 160 ms
  EXPECT_EQ(pace.wait_after(16, 10ms, start, start + 10ms), 150ms);
  EXPECT_EQ(pace.wait_after(16, 5ms, start, start + 10ms), 150ms) << "busy exactly half the time";
  EXPECT_EQ(pace.wait_after(16, 40ms, start, start + 10ms), 150ms) << "two writers side by side";
}

TEST(pacing, a_group_sent_while_the_writer_was_mostly_idle_goes_on_at_once) {
  const mail::pacing pace{100};
  EXPECT_EQ(pace.wait_after(16, 4ms, start, start + 10ms), 0ms);
  EXPECT_EQ(pace.wait_after(16, 0ms, start, start + 10ms), 0ms);
}

TEST(pacing, a_group_that_already_took_its_share_of_the_rate_does_not_wait) {
  const mail::pacing pace{100};
  EXPECT_EQ(pace.wait_after(16, 200ms, start, start + 200ms), 0ms);
  EXPECT_EQ(pace.wait_after(16, 160ms, start, start + 160ms), 0ms);
}

TEST(pacing, a_rate_of_zero_never_holds_mail_back) {
  const mail::pacing pace{0};
  EXPECT_EQ(pace.wait_after(16, 10ms, start, start + 10ms), 0ms);
}

TEST(pacing, an_empty_group_does_not_wait) {
  const mail::pacing pace{100};
  EXPECT_EQ(pace.wait_after(0, 10ms, start, start + 10ms), 0ms);
}

}  // namespace
