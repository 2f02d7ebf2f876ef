// A counted payment whose block left the chain (a reorganisation) is taken
// back: the order is as it was before that payment counted.

#include <gtest/gtest.h>

#include "domain/follow_ups.hpp"
#include "domain/order_json.hpp"
#include "order_fixtures.hpp"

namespace domain_test {
namespace {

using events = std::vector<order_event>;

const payment_reversed& only_reversal(const result<events>& decided) {
  static const payment_reversed none{};
  if (!decided || decided->size() != 1 || !std::holds_alternative<payment_reversed>(decided->front())) {
    ADD_FAILURE() << "expected exactly one payment_reversed";
    return none;
  }
  return std::get<payment_reversed>(decided->front());
}

std::vector<email_kind> kinds(const follow_ups& f) {
  std::vector<email_kind> out;
  for (const auto& e : f.emails) out.push_back(e.kind);
  return out;
}

TEST(reverse_payment, returns_an_order_it_had_paid_to_pending_and_tells_the_customer) {
  const order o = order_in(order_status::pending);
  const order paid = run(o, watched("0xAB12", sample_quote_amount(), 10, minutes_after_t0(5)));
  ASSERT_EQ(paid.status, order_status::paid);

  const auto decided = decide(paid, reverse_payment{" 0xab12 ", minutes_after_t0(7)});
  const payment_reversed& e = only_reversal(decided);
  EXPECT_EQ(e.txid, "0xab12");
  EXPECT_EQ(e.coin, "XMR");
  EXPECT_EQ(e.amount, sample_quote_amount());
  EXPECT_EQ(e.received_total, atomic_amount{});
  EXPECT_TRUE(e.was_paid);
  EXPECT_NE(e.message.find("CCC-000123"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("0xab12"), std::string::npos) << e.message;

  const order after = apply_all(paid, decided);
  EXPECT_EQ(after.status, order_status::pending);
  EXPECT_FALSE(after.payment);
  EXPECT_TRUE(after.payments.empty());
  EXPECT_EQ(after.received, atomic_amount{});
  EXPECT_EQ(after.payment_progress(), payment_state::awaiting);
  EXPECT_EQ(customer_view(after)["payment"], customer_view(o)["payment"]) << "the payment reads as before it";
  EXPECT_EQ(after.timeline.back().status, order_status::pending);

  const auto f = follow_ups_of(decided.value(), timer_policy{});
  EXPECT_EQ(kinds(f), (std::vector<email_kind>{email_kind::contact_customer}));
  EXPECT_EQ(f.emails.at(0).message, e.message);
  ASSERT_EQ(f.timers_set.size(), 1u);
  EXPECT_EQ(f.timers_set[0].kind, timer_kind::unpaid_expiry);
  EXPECT_EQ(f.timers_set[0].due, minutes_after_t0(7) + timer_policy{}.cancel_unpaid_after);

  EXPECT_TRUE(decide(after, reverse_payment{"0xab12", minutes_after_t0(8)})->empty()) << "taken back once";
  // Mined again, the same transaction counts again and pays the order.
  const order again = run(after, watched("0xab12", sample_quote_amount(), 10, minutes_after_t0(9)));
  EXPECT_EQ(again.status, order_status::paid);
}

TEST(reverse_payment, of_a_part_payment_leaves_the_order_pending_with_the_rest_counted_and_sends_no_mail) {
  const order o = order_in(order_status::pending);
  const atomic_amount part{100'000'000'000ULL};
  order two = run(o, watched("p1", part, 10, minutes_after_t0(5)));
  two = run(two, watched("p2", part, 10, minutes_after_t0(6)));
  ASSERT_EQ(two.received, atomic_amount{200'000'000'000ULL});
  ASSERT_EQ(two.status, order_status::pending);

  const auto decided = decide(two, reverse_payment{"p2", minutes_after_t0(7)});
  const payment_reversed& e = only_reversal(decided);
  EXPECT_FALSE(e.was_paid);
  EXPECT_TRUE(e.message.empty());
  EXPECT_EQ(e.received_total, part);
  const order after = apply_all(two, decided);
  EXPECT_EQ(after.status, order_status::pending);
  EXPECT_EQ(after.received, part);
  ASSERT_EQ(after.payments.size(), 1u);
  EXPECT_EQ(after.payments[0].txid, "p1");
  EXPECT_EQ(after.payment_progress(), payment_state::underpaid);

  const auto f = follow_ups_of(decided.value(), timer_policy{});
  EXPECT_TRUE(f.emails.empty()) << "the customer was never told paid";
  ASSERT_EQ(f.timers_set.size(), 1u);
  EXPECT_EQ(f.timers_set[0].kind, timer_kind::quote_expiry);
  EXPECT_EQ(f.timers_set[0].due, o.quote.expires_at);
}

TEST(reverse_payment, of_a_payment_still_detected_withdraws_it) {
  const order o = order_in(order_status::pending);
  const order detected = run(o, watched("d1", sample_quote_amount(), 0, minutes_after_t0(5)));
  const auto decided = decide(detected, reverse_payment{"d1", minutes_after_t0(6)});
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->size(), 1u);
  EXPECT_EQ(event_type(decided->front()), std::string("payment_withdrawn"));
  EXPECT_TRUE(apply_all(detected, decided).payments.empty());
}

TEST(reverse_payment, is_refused_once_the_order_moved_on_and_ignores_an_unknown_payment) {
  order paid = run(order_in(order_status::pending), watched("x1", sample_quote_amount(), 10, minutes_after_t0(5)));
  const order processing = run(paid, start_processing{minutes_after_t0(60)});
  const auto refused = decide(processing, reverse_payment{"x1", minutes_after_t0(61)});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, error_code::invalid_transition);
  EXPECT_NE(refused.error().detail.find("processing"), std::string::npos);
  EXPECT_TRUE(decide(paid, reverse_payment{"never-seen", minutes_after_t0(6)})->empty());
}

}  // namespace
}  // namespace domain_test
