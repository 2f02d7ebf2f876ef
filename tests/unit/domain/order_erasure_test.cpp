// Erasure as a decision of the order: when it is allowed, what it leaves, and
// what the journal marks as personal so that erasing the key reaches it.

#include <gtest/gtest.h>

#include "domain/follow_ups.hpp"
#include "domain/order_json.hpp"
#include "order_fixtures.hpp"

using namespace domain;
using namespace domain_test;

namespace {

erase_personal_data erase_at(int minutes) {
  return erase_personal_data{actor_role::admin, minutes_after_t0(minutes)};
}

TEST(order_erasure, an_order_in_any_settled_state_erases_its_personal_texts_and_keeps_the_rest) {
  for (auto status : all_statuses()) {
    SCOPED_TRACE(to_string(status));
    auto o = order_in(status);
    o = run(o, add_note{"call Ada before noon", minutes_after_t0(5000)});
    const auto erased = run(o, erase_at(6000));
    ASSERT_TRUE(erased.customer_erased_at);
    EXPECT_EQ(*erased.customer_erased_at, minutes_after_t0(6000));
    EXPECT_EQ(erased.status, o.status);
    EXPECT_EQ(erased.total, o.total);
    EXPECT_EQ(erased.notes, std::vector<std::string>{erased_text});
    if (status == order_status::cancelled) {
      EXPECT_EQ(erased.cancel_reason, std::string{erased_text});
      EXPECT_EQ(erased.timeline.back().note, std::string{"Cancelled: "} + erased_text);
    }
  }
}

TEST(order_erasure, a_review_reads_as_erased_and_keeps_its_rating) {
  auto o = run(order_in(order_status::delivered), leave_review{4, "Ada loves it", minutes_after_t0(5000)});
  o = run(o, erase_at(6000));
  ASSERT_TRUE(o.customer_review);
  EXPECT_EQ(o.customer_review->text, erased_text);
  EXPECT_EQ(o.customer_review->rating, 4);
}

TEST(order_erasure, money_owed_either_way_refuses_erasure_with_money_owed) {
  auto part_paid =
      run(order_in(order_status::pending), verify_payment{"tx-1", atomic_amount{1000}, minutes_after_t0(3)});
  ASSERT_EQ(part_paid.status, order_status::pending);
  auto refused = decide(part_paid, erase_at(10));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, error_code::money_owed);

  auto overpaid = run(order{}, sample_place());
  overpaid =
      run(overpaid, verify_payment{"tx-2", atomic_amount{sample_quote_amount().value() + 5000}, minutes_after_t0(3)});
  ASSERT_EQ(overpaid.status, order_status::paid);
  ASSERT_TRUE(owes_money(overpaid));
  EXPECT_EQ(decide(overpaid, erase_at(10)).error().code, error_code::money_owed);

  EXPECT_FALSE(owes_money(order_in(order_status::pending)));
  EXPECT_FALSE(owes_money(order_in(order_status::delivered)));
}

TEST(order_erasure, erasing_twice_or_asking_twice_decides_nothing_new) {
  auto o = run(order_in(order_status::delivered), request_erasure{minutes_after_t0(5000)});
  ASSERT_TRUE(o.erasure_requested_at);
  auto again = decide(o, request_erasure{minutes_after_t0(5001)});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  o = run(o, erase_at(6000));
  auto twice = decide(o, erase_at(6001));
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->empty());
  auto asked_after = decide(o, request_erasure{minutes_after_t0(6002)});
  ASSERT_TRUE(asked_after);
  EXPECT_TRUE(asked_after->empty());
}

TEST(order_erasure, an_erased_order_is_reminded_of_nothing_and_its_view_says_so) {
  const auto o = order_in(order_status::pending);
  auto decided = decide(o, erase_at(10));
  ASSERT_TRUE(decided);
  const auto follow = follow_ups_of(*decided, timer_policy{});
  EXPECT_NE(std::find(follow.timers_cleared.begin(), follow.timers_cleared.end(), timer_kind::payment_reminder),
            follow.timers_cleared.end());
  EXPECT_TRUE(follow.emails.empty());
  EXPECT_EQ(customer_view(run(o, erase_at(10)))["customer_erased"], true);
  EXPECT_EQ(customer_view(o)["customer_erased"], false);
}

TEST(order_erasure, an_order_closes_when_cancelled_or_a_review_window_after_delivery) {
  const timer_policy policy{};
  EXPECT_FALSE(closed_at(order_in(order_status::pending), policy));
  EXPECT_FALSE(closed_at(order_in(order_status::shipped), policy));
  const auto cancelled = order_in(order_status::cancelled);
  EXPECT_EQ(closed_at(cancelled, policy), cancelled.cancelled_at);
  const auto delivered = order_in(order_status::delivered);
  EXPECT_EQ(closed_at(delivered, policy), *delivered.delivered_at + policy.review_request_after);
}

TEST(order_erasure, the_texts_people_write_are_marked_personal_and_nothing_else_is) {
  EXPECT_EQ(personal_paths("note_added"), std::vector<std::string>{"/text"});
  EXPECT_EQ(personal_paths("review_left"), std::vector<std::string>{"/text"});
  EXPECT_EQ(personal_paths("customer_contacted"), std::vector<std::string>{"/message"});
  EXPECT_EQ(personal_paths("order_cancelled"), std::vector<std::string>{"/reason"});
  for (const char* type : {"order_placed", "payment_received", "order_shipped", "personal_data_erased"})
    EXPECT_TRUE(personal_paths(type).empty()) << type;
  auto o = run(order_in(order_status::delivered), leave_review{5, "great", minutes_after_t0(5000)});
  EXPECT_EQ(view_personal_paths(o), std::vector<std::string>{"/review/text"});
  const auto cancelled = order_in(order_status::cancelled);
  const auto paths = view_personal_paths(cancelled);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/cancel_reason"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/timeline/1/note"), paths.end());
}

}  // namespace
