// An order's state is its events folded: replaying the journal gives the order back.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/order_json.hpp"
#include "order_fixtures.hpp"

namespace domain_test {
namespace {

// Everything the order holds, field by field (order has no operator==).
void expect_same_order(const order& a, const order& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.customer, b.customer);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.checkout_fingerprint, b.checkout_fingerprint);
  EXPECT_EQ(a.claimed_tx_ids, b.claimed_tx_ids);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.cancel_reason, b.cancel_reason);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.quote.amount, b.quote.amount);
  EXPECT_EQ(a.quote.expires_at, b.quote.expires_at);
  ASSERT_EQ(a.payment.has_value(), b.payment.has_value());
  if (a.payment) {
    EXPECT_EQ(a.payment->tx_id, b.payment->tx_id);
    EXPECT_EQ(a.payment->received, b.payment->received);
    EXPECT_EQ(a.payment->refund_due, b.payment->refund_due);
  }
  ASSERT_EQ(a.customer_review.has_value(), b.customer_review.has_value());
  if (a.customer_review) {
    EXPECT_EQ(a.customer_review->rating, b.customer_review->rating);
  }
  // The view covers lines, totals, quote, timeline and shipment.
  EXPECT_EQ(customer_view(a), customer_view(b));
}

struct lifecycle {
  std::vector<order_event> events;
  std::vector<order> states;  // the state after each event, built step by step
};

lifecycle full_lifecycle() {
  const std::vector<order_command> commands{
      sample_place(),
      claim_payment{"tx-abc", minutes_after_t0(10)},
      add_note{"customer emailed about delivery window", minutes_after_t0(11)},
      verify_payment{"tx-abc", atomic_amount{sample_quote_amount().value() + 7}, minutes_after_t0(20)},
      start_processing{minutes_after_t0(60)},
      sample_ship("DHL", minutes_after_t0(300)),
      contact_customer{"your parcel is on its way", minutes_after_t0(301)},
      mark_delivered{minutes_after_t0(3000)},
      leave_review{5, "Cartridges work perfectly", minutes_after_t0(13000)},
  };
  lifecycle out;
  order state;
  for (const auto& c : commands) {
    auto decided = decide(state, c);
    if (!decided) {
      ADD_FAILURE() << "refused: " << decided.error().detail;
      return out;
    }
    for (const auto& e : decided.value()) {
      state = domain::apply(std::move(state), e);
      out.events.push_back(e);
      out.states.push_back(state);
    }
  }
  return out;
}

TEST(replay, of_a_full_lifecycle_equals_applying_step_by_step) {
  const lifecycle l = full_lifecycle();
  ASSERT_EQ(l.events.size(), 10u);  // the payment is payment_received, then payment_verified
  const order replayed = replay(l.events);
  expect_same_order(replayed, l.states.back());
  EXPECT_EQ(replayed.status, order_status::delivered);
  ASSERT_TRUE(replayed.payment);
  EXPECT_EQ(replayed.payment->refund_due, atomic_amount{7});
  EXPECT_EQ(replayed.claimed_tx_ids, std::vector<std::string>{"tx-abc"});
  EXPECT_EQ(replayed.notes.size(), 1u);
}

TEST(replay, of_every_prefix_equals_the_state_at_that_point) {
  const lifecycle l = full_lifecycle();
  for (std::size_t n = 1; n <= l.events.size(); ++n) {
    SCOPED_TRACE(n);
    expect_same_order(replay({l.events.begin(), l.events.begin() + static_cast<std::ptrdiff_t>(n)}), l.states[n - 1]);
  }
}

TEST(replay, version_counts_the_events) {
  const lifecycle l = full_lifecycle();
  for (std::size_t n = 0; n <= l.events.size(); ++n)
    EXPECT_EQ(replay({l.events.begin(), l.events.begin() + static_cast<std::ptrdiff_t>(n)}).version,
              static_cast<std::int64_t>(n));
}

TEST(replay, of_nothing_is_an_order_that_does_not_exist) {
  const order o = replay({});
  EXPECT_FALSE(o.exists());
  EXPECT_EQ(o.version, 0);
}

TEST(replay, timeline_lists_each_status_once_in_the_order_it_was_reached) {
  const order o = replay(full_lifecycle().events);
  ASSERT_EQ(o.timeline.size(), 5u);
  const std::vector<order_status> want{order_status::pending, order_status::paid, order_status::processing,
                                       order_status::shipped, order_status::delivered};
  const std::vector<timestamp> when{t0(), minutes_after_t0(20), minutes_after_t0(60), minutes_after_t0(300),
                                    minutes_after_t0(3000)};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(o.timeline[i].status, want[i]) << i;
    EXPECT_EQ(o.timeline[i].at, when[i]) << i;
    EXPECT_FALSE(o.timeline[i].note.empty()) << i;
  }
  EXPECT_NE(o.timeline[3].note.find("DHL"), std::string::npos) << "the shipped entry names the carrier";
  EXPECT_EQ(o.updated_at, minutes_after_t0(13000));
}

TEST(replay, of_the_journal_after_encoding_equals_the_live_order) {
  // The path an order takes after a restart: events -> JSON payloads -> events -> state.
  const lifecycle l = full_lifecycle();
  std::vector<order_event> decoded;
  for (const auto& e : l.events) {
    const std::string stored = encode_event(e).dump();
    auto back = decode_event(event_type(e), nlohmann::json::parse(stored));
    ASSERT_TRUE(back) << event_type(e) << " " << stored;
    decoded.push_back(*back);
  }
  expect_same_order(replay(decoded), l.states.back());
}

TEST(replay, of_a_cancelled_order_keeps_the_reason) {
  order o;
  std::vector<order_event> events;
  for (const order_command& c : std::vector<order_command>{
           sample_place(), verify_payment{"tx-1", sample_quote_amount(), minutes_after_t0(1)},
           cancel_order{"out of stock at the supplier", actor_role::admin, minutes_after_t0(2)}}) {
    auto d = decide(o, c);
    ASSERT_TRUE(d) << d.error().detail;
    for (const auto& e : d.value()) {
      o = domain::apply(o, e);
      events.push_back(e);
    }
  }
  const order replayed = replay(events);
  expect_same_order(replayed, o);
  EXPECT_EQ(replayed.status, order_status::cancelled);
  EXPECT_EQ(replayed.cancel_reason, std::optional<std::string>{"out of stock at the supplier"});
  EXPECT_EQ(replayed.timeline.back().status, order_status::cancelled);
}

}  // namespace
}  // namespace domain_test
