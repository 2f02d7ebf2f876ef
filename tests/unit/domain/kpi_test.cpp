// The five KPIs on hand-computed data (definitions in docs/KPIS.md).

#include <gtest/gtest.h>

#include "domain/kpi.hpp"
#include "domain/order.hpp"
#include "domain/time.hpp"

namespace domain_test {
namespace {

using namespace domain;
using std::chrono::hours;
using std::chrono::minutes;

timestamp day(int d, int hour = 12) {
  return *parse_rfc3339("2026-11-0" + std::to_string(d) + "T00:00:00Z") + hours{hour};
}

kpi_order placed(int d, std::int64_t total_cents) {
  kpi_order o;
  o.placed_at = day(d);
  o.total = cents{total_cents};
  return o;
}

kpi_order paid(int d, std::int64_t total_cents, std::optional<hours> shipped_after = std::nullopt) {
  kpi_order o = placed(d, total_cents);
  o.paid = true;
  o.paid_at = o.placed_at + minutes{30};
  if (shipped_after) o.shipped_at = *o.paid_at + *shipped_after;
  return o;
}

TEST(kpis, the_five_figures_of_a_small_week) {
  // Days 1..3 of a 3-day range; 10 checkouts started, 5 orders placed:
  //  A $30.00 paid, shipped 2 h later, delivered, reviewed
  //  B $50.00 paid, shipped 10 h later, delivered, not reviewed
  //  C $19.99 paid, shipped 4 h later, not delivered yet
  //  D $100.00 placed, never paid
  //  E $25.00 paid, not shipped
  kpi_order a = paid(1, 3000, hours{2});
  a.delivered = a.reviewed = true;
  kpi_order b = paid(1, 5000, hours{10});
  b.delivered = true;
  const kpi_order c = paid(2, 1999, hours{4});
  const kpi_order d = placed(2, 10000);
  const kpi_order e = paid(3, 2500);
  const auto r = compute_kpis({a, b, c, d, e}, 10, day(1, 0), day(4, 0));

  EXPECT_EQ(r.orders, 5u);
  EXPECT_EQ(r.checkouts_started, 10);
  ASSERT_TRUE(r.completion_rate);
  EXPECT_DOUBLE_EQ(*r.completion_rate, 0.5);  // 5 / 10
  ASSERT_TRUE(r.payment_success_rate);
  EXPECT_DOUBLE_EQ(*r.payment_success_rate, 0.8);  // 4 / 5
  // Paid -> shipped: 2, 4, 10 h: median (nearest rank, 2nd of 3) 4 h, p90 (3rd of 3) 10 h.
  EXPECT_EQ(r.processing_time.count, 3u);
  EXPECT_DOUBLE_EQ(*r.processing_time.median_hours, 4.0);
  EXPECT_DOUBLE_EQ(*r.processing_time.p90_hours, 10.0);
  ASSERT_TRUE(r.review_rate);
  EXPECT_DOUBLE_EQ(*r.review_rate, 0.5);  // 1 review / 2 delivered
  // (3000 + 5000 + 1999 + 2500) / 4 = 3124.75 -> 3125 cents
  EXPECT_EQ(r.average_order_value_cents, std::optional<std::int64_t>{3125});

  ASSERT_EQ(r.daily.size(), 3u);
  EXPECT_EQ(r.daily[0].date, "2026-11-01");
  EXPECT_EQ(r.daily[0].orders, 2u);
  EXPECT_EQ(r.daily[0].revenue_cents, 8000);
  EXPECT_EQ(r.daily[1].date, "2026-11-02");
  EXPECT_EQ(r.daily[1].orders, 2u);
  EXPECT_EQ(r.daily[1].revenue_cents, 1999) << "the unpaid order adds no revenue";
  EXPECT_EQ(r.daily[2].orders, 1u);
  EXPECT_EQ(r.daily[2].revenue_cents, 2500);
}

TEST(kpis, no_data_is_empty_not_zero) {
  const auto r = compute_kpis(std::vector<kpi_order>{}, 0, day(1, 0), day(2, 0));
  EXPECT_FALSE(r.completion_rate);
  EXPECT_FALSE(r.payment_success_rate);
  EXPECT_FALSE(r.review_rate);
  EXPECT_FALSE(r.average_order_value_cents);
  EXPECT_FALSE(r.processing_time.median_hours);
  EXPECT_EQ(r.processing_time.count, 0u);
  ASSERT_EQ(r.daily.size(), 1u);
  EXPECT_EQ(r.daily[0].orders, 0u);
}

TEST(kpis, completion_is_capped_when_events_were_blocked) {
  // Opt-outs and blockers send no event, but their orders count: never above 100 %.
  const auto r = compute_kpis({placed(1, 100), placed(1, 200), placed(1, 300)}, 2, day(1, 0), day(2, 0));
  EXPECT_DOUBLE_EQ(*r.completion_rate, 1.0);
}

TEST(kpis, processing_time_with_an_even_count_takes_the_lower_middle) {
  const auto r = compute_kpis({paid(1, 1, hours{1}), paid(1, 1, hours{2}), paid(1, 1, hours{3}), paid(1, 1, hours{4})},
                              4, day(1, 0), day(2, 0));
  EXPECT_DOUBLE_EQ(*r.processing_time.median_hours, 2.0);  // rank ceil(0.5 x 4) = 2
  EXPECT_DOUBLE_EQ(*r.processing_time.p90_hours, 4.0);     // rank ceil(0.9 x 4) = 4
}

TEST(nearest_rank, follows_the_definition) {
  EXPECT_DOUBLE_EQ(nearest_rank({15, 20, 35, 40, 50}, 30), 20);  // rank ceil(1.5) = 2
  EXPECT_DOUBLE_EQ(nearest_rank({50, 15, 40, 20, 35}, 100), 50);
  EXPECT_DOUBLE_EQ(nearest_rank({7}, 50), 7);
}

}  // namespace
}  // namespace domain_test

namespace domain_test {
namespace {

kpi_order paid_in_coin(int d, std::int64_t total_cents, std::uint64_t quoted, std::uint64_t received,
                       std::uint64_t refunded) {
  kpi_order o = paid(d, total_cents);
  o.quoted = atomic_amount{quoted};
  o.received = atomic_amount{received};
  o.refunded = atomic_amount{refunded};
  return o;
}

TEST(kpis, revenue_is_net_of_refunds_but_not_of_an_overpayments_excess) {
  // Day 1: $40.00 quoted 4000 units, paid 5000, the 1000 excess refunded: $40.00 kept.
  // Day 2: $30.00 quoted 3000, paid 3000, cancelled and refunded in full: $0 kept.
  // Day 2: $20.00 quoted 2000, paid 2000, 1000 refunded (half): $10.00 kept.
  // Day 3: $10.00 quoted 3 units, 1 refunded: $3.333.. -> 333 cents taken back.
  const std::vector<kpi_order> orders{
      paid_in_coin(1, 4000, 4000, 5000, 1000),
      paid_in_coin(2, 3000, 3000, 3000, 3000),
      paid_in_coin(2, 2000, 2000, 2000, 1000),
      paid_in_coin(3, 1000, 3, 3, 1),
  };
  EXPECT_EQ(refunded_revenue(orders[0]).value, 0);
  EXPECT_EQ(refunded_revenue(orders[1]).value, 3000);
  EXPECT_EQ(refunded_revenue(orders[2]).value, 1000);
  EXPECT_EQ(refunded_revenue(orders[3]).value, 333);
  const auto r = compute_kpis(orders, 4, day(1, 0), day(4, 0));
  EXPECT_EQ(r.revenue_cents, 4000 + 0 + 1000 + 667);
  EXPECT_EQ(r.refunded_cents, 3000 + 1000 + 333);
  ASSERT_EQ(r.daily.size(), 3u);
  EXPECT_EQ(r.daily[0].revenue_cents, 4000);
  EXPECT_EQ(r.daily[1].revenue_cents, 1000);
  EXPECT_EQ(r.daily[1].refunded_cents, 4000);
  EXPECT_EQ(r.daily[2].revenue_cents, 667);
  // The order counts as paid for the payment rate and the average either way.
  EXPECT_EQ(r.payment_success_rate, 1.0);
  EXPECT_EQ(r.average_order_value_cents, (4000 + 3000 + 2000 + 1000) / 4);
}

TEST(kpis, a_refund_beyond_what_was_received_takes_back_at_most_the_total) {
  EXPECT_EQ(refunded_revenue(paid_in_coin(1, 2500, 100, 100, 500)).value, 2500);
  EXPECT_EQ(refunded_revenue(paid_in_coin(1, 2500, 0, 0, 0)).value, 0);
}

TEST(kpis, an_order_counts_as_it_stands_paid_shipped_delivered_and_reviewed) {
  order o;
  o.created_at = day(2, 9);
  o.total = cents{4599};
  o.quote.amount = atomic_amount{1000};
  kpi_order k = kpi_order_of(o);
  EXPECT_EQ(k.placed_at, day(2, 9));
  EXPECT_EQ(k.total.value, 4599);
  EXPECT_FALSE(k.paid);
  EXPECT_FALSE(processing_time_of(k));

  o.received = atomic_amount{1200};
  o.payment = payment_record{"tx", atomic_amount{1200}, atomic_amount{200}, day(2, 10)};  // overpaid
  o.timeline.push_back({day(2, 10), order_status::paid, ""});
  o.timeline.push_back({day(3, 16), order_status::shipped, ""});
  o.delivered_at = day(5, 8);
  o.customer_review = review{5, "fine", day(6, 8)};
  o.refunded = atomic_amount{200};
  k = kpi_order_of(o);
  EXPECT_TRUE(k.paid) << "overpaid is paid";
  ASSERT_TRUE(processing_time_of(k));
  EXPECT_EQ(*processing_time_of(k), std::chrono::hours{30});
  EXPECT_TRUE(k.delivered);
  EXPECT_TRUE(k.reviewed);
  EXPECT_EQ(refunded_revenue(k).value, 0) << "the excess went back, not revenue";
}

TEST(kpis, a_shipment_recorded_before_the_payment_has_no_processing_time) {
  kpi_order o = paid(1, 100);
  o.shipped_at = *o.paid_at - minutes{1};
  EXPECT_FALSE(processing_time_of(o));
}

TEST(kpis, totals_keep_only_the_orders_of_the_range_by_utc_day) {
  const auto t = total_up({placed(1, 100), paid(2, 200, hours{3}), paid(2, 300), placed(4, 400)}, day(1, 0), day(3, 0));
  ASSERT_EQ(t.days.size(), 2u);
  EXPECT_EQ(t.days[0].day, day(1, 0));
  EXPECT_EQ(t.days[0].orders, 1u);
  EXPECT_EQ(t.days[1].day, day(2, 0));
  EXPECT_EQ(t.days[1].orders, 2u);
  EXPECT_EQ(t.days[1].paid, 2u);
  EXPECT_EQ(t.days[1].paid_total_cents, 500);
  EXPECT_EQ(t.processing_time.count, 1u);
  EXPECT_DOUBLE_EQ(*t.processing_time.median_hours, 3.0);
}

}  // namespace
}  // namespace domain_test
