// The order's own follow-ups: which timers a decision sets or makes moot, which
// emails it owes, and what a timer does when it comes due.

#include <gtest/gtest.h>

#include "domain/follow_ups.hpp"
#include "order_fixtures.hpp"

using namespace domain_test;

namespace {

const timer_policy policy{};  // 24h reminder, 7d expiry, 7d review request

std::vector<order_event> decided(const order& o, const order_command& c) {
  auto r = decide(o, c);
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? r.value() : std::vector<order_event>{};
}

std::vector<email_kind> kinds(const follow_ups& f) {
  std::vector<email_kind> out;
  for (const auto& e : f.emails) out.push_back(e.kind);
  return out;
}

TEST(follow_ups, checkout_sets_reminder_and_expiry_and_owes_confirmation_and_admin_mail) {
  auto f = follow_ups_of(decided(order{}, sample_place()), policy);
  ASSERT_EQ(f.timers_set.size(), 2u);
  EXPECT_EQ(f.timers_set[0].kind, timer_kind::payment_reminder);
  EXPECT_EQ(f.timers_set[0].due, t0() + std::chrono::hours{24});
  EXPECT_EQ(f.timers_set[1].kind, timer_kind::unpaid_expiry);
  EXPECT_EQ(f.timers_set[1].due, t0() + std::chrono::hours{24 * 7});
  EXPECT_TRUE(f.timers_cleared.empty());
  EXPECT_EQ(kinds(f), (std::vector<email_kind>{email_kind::order_confirmation, email_kind::new_order_admin}));
}

TEST(follow_ups, expiry_zero_means_never) {
  timer_policy no_expiry;
  no_expiry.cancel_unpaid_after = duration{0};
  auto f = follow_ups_of(decided(order{}, sample_place()), no_expiry);
  ASSERT_EQ(f.timers_set.size(), 1u);
  EXPECT_EQ(f.timers_set[0].kind, timer_kind::payment_reminder);
}

TEST(follow_ups, payment_clears_both_unpaid_timers_in_the_same_decision) {
  auto o = order_in(order_status::pending);
  auto f = follow_ups_of(decided(o, verify_payment{"tx", sample_quote_amount(), minutes_after_t0(30)}), policy);
  EXPECT_TRUE(f.timers_set.empty());
  EXPECT_EQ(f.timers_cleared, (std::vector<timer_kind>{timer_kind::payment_reminder, timer_kind::unpaid_expiry,
                                                       timer_kind::quote_expiry}));
  EXPECT_EQ(kinds(f), (std::vector<email_kind>{email_kind::payment_received}));
}

TEST(follow_ups, delivery_schedules_the_review_request_and_a_review_makes_it_moot) {
  auto shipped = order_in(order_status::shipped);
  auto f = follow_ups_of(decided(shipped, mark_delivered{minutes_after_t0(5000)}), policy);
  ASSERT_EQ(f.timers_set.size(), 1u);
  EXPECT_EQ(f.timers_set[0].kind, timer_kind::review_request);
  EXPECT_EQ(f.timers_set[0].due, minutes_after_t0(5000) + std::chrono::hours{24 * 7});
  auto delivered = order_in(order_status::delivered);
  auto r = follow_ups_of(decided(delivered, leave_review{5, "great", minutes_after_t0(6000)}), policy);
  EXPECT_EQ(r.timers_cleared, (std::vector<timer_kind>{timer_kind::review_request}));
  EXPECT_TRUE(r.emails.empty());
}

TEST(follow_ups, every_customer_facing_step_owes_its_email) {
  auto paid = order_in(order_status::paid);
  auto processing = run(paid, start_processing{minutes_after_t0(60)});
  EXPECT_TRUE(follow_ups_of(decided(paid, start_processing{minutes_after_t0(60)}), policy).emails.empty());
  EXPECT_EQ(kinds(follow_ups_of(decided(processing, sample_ship()), policy)),
            (std::vector<email_kind>{email_kind::shipping}));
  auto cancelled =
      follow_ups_of(decided(paid, cancel_order{"out of stock", actor_role::admin, minutes_after_t0(70)}), policy);
  // A paid order cancelled: the customer is also asked where their refund goes.
  EXPECT_EQ(kinds(cancelled), (std::vector<email_kind>{email_kind::order_cancelled, email_kind::refund_due}));
  auto contact =
      follow_ups_of(decided(paid, contact_customer{"Please check your address", minutes_after_t0(71)}), policy);
  ASSERT_EQ(contact.emails.size(), 1u);
  EXPECT_EQ(contact.emails[0].kind, email_kind::contact_customer);
  EXPECT_EQ(contact.emails[0].message, "Please check your address");
  EXPECT_TRUE(follow_ups_of(decided(paid, add_note{"internal", minutes_after_t0(72)}), policy).emails.empty());
}

TEST(fire_timer, the_reminder_goes_out_once_and_only_while_pending) {
  auto pending = order_in(order_status::pending);
  auto events = decided(pending, fire_timer{timer_kind::payment_reminder, minutes_after_t0(1440)});
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<payment_reminder_sent>(events[0]));
  auto f = follow_ups_of(events, policy);
  EXPECT_EQ(kinds(f), (std::vector<email_kind>{email_kind::payment_reminder}));
  EXPECT_EQ(f.timers_cleared, (std::vector<timer_kind>{timer_kind::payment_reminder}));
  auto reminded = run(pending, fire_timer{timer_kind::payment_reminder, minutes_after_t0(1440)});
  EXPECT_TRUE(reminded.reminder_sent);
  EXPECT_EQ(reminded.status, order_status::pending);
  EXPECT_TRUE(decided(reminded, fire_timer{timer_kind::payment_reminder, minutes_after_t0(1441)}).empty());
  for (auto status : {order_status::paid, order_status::cancelled, order_status::delivered})
    EXPECT_TRUE(decided(order_in(status), fire_timer{timer_kind::payment_reminder, minutes_after_t0(1440)}).empty())
        << to_string(status);
}

TEST(fire_timer, an_unpaid_order_expires_into_cancelled_by_the_system) {
  auto expired = run(order_in(order_status::pending), fire_timer{timer_kind::unpaid_expiry, minutes_after_t0(10080)});
  EXPECT_EQ(expired.status, order_status::cancelled);
  ASSERT_TRUE(expired.cancelled_by);
  EXPECT_EQ(*expired.cancelled_by, actor_role::system);
  EXPECT_EQ(expired.cancel_reason, "not paid in time");
  // Paid in the meantime: nothing happens.
  EXPECT_TRUE(
      decided(order_in(order_status::paid), fire_timer{timer_kind::unpaid_expiry, minutes_after_t0(10080)}).empty());
}

TEST(fire_timer, the_review_request_needs_a_delivered_order_without_a_review) {
  auto delivered = order_in(order_status::delivered);
  auto asked = run(delivered, fire_timer{timer_kind::review_request, minutes_after_t0(20000)});
  EXPECT_TRUE(asked.review_requested);
  EXPECT_TRUE(decided(asked, fire_timer{timer_kind::review_request, minutes_after_t0(20001)}).empty());
  auto reviewed = run(delivered, leave_review{5, "ok", minutes_after_t0(6000)});
  EXPECT_TRUE(decided(reviewed, fire_timer{timer_kind::review_request, minutes_after_t0(20000)}).empty());
  EXPECT_TRUE(decided(order_in(order_status::shipped), fire_timer{timer_kind::review_request, minutes_after_t0(20000)})
                  .empty());
}

TEST(fire_timer, timer_kinds_have_stable_names) {
  for (auto k : {timer_kind::payment_reminder, timer_kind::unpaid_expiry, timer_kind::review_request})
    EXPECT_EQ(parse_timer_kind(to_string(k)), k);
  EXPECT_FALSE(parse_timer_kind("lunch"));
}

}  // namespace
