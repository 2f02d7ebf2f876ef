// The KPI report's inputs: what each order adds (order_kpis), written by the
// journal with the read model, summed per UTC day for a range, with the
// processing times' nearest-rank percentiles. The sums are checked against
// the same sums worked out here from the orders as last written.

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "persistence_fixtures.hpp"

namespace {

using namespace persistence_fixtures;
using persistence::append_item;
using persistence::kpi_fact_row;
using store = test_support::repositories;

constexpr std::int64_t day_ms = 86'400'000;
const std::int64_t midnight_ms = t0_ms - t0_ms % day_ms;  // 2026-01-01T00:00Z

struct written {
  std::string id;
  std::int64_t placed_at_ms;
  std::int64_t total_cents;
  kpi_fact_row facts;
};

append_item order_with(const written& order, std::int64_t version) {
  auto item = item_for(order.id, version, 1, "CCC-" + order.id.substr(0, 6), new_uuid(), order.placed_at_ms);
  item.read_model.total_cents = order.total_cents;
  item.read_model.kpi = order.facts;
  return item;
}

kpi_fact_row random_facts(std::mt19937_64& random) {
  kpi_fact_row f;
  f.paid = random() % 3 != 0;
  if (f.paid && random() % 2 == 0) f.processing_ms = static_cast<std::int64_t>(random() % (72 * 3'600'000));
  f.delivered = random() % 2 == 0;
  f.reviewed = random() % 3 == 0;
  f.refunded_cents = random() % 5 == 0 ? static_cast<std::int64_t>(random() % 3000) : 0;
  return f;
}

std::int64_t nearest_rank(std::vector<std::int64_t> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

class kpi_sums : public ::testing::Test {
 protected:
  test_support::test_database db_{"kpi_sums"};
  store store_{db_.app_url()};  // as the engine's runtime connects
};

TEST_F(kpi_sums, each_day_sums_the_orders_placed_on_it_as_last_written) {
  std::mt19937_64 random{20261204};
  // 300 orders over days -1 .. 5; the report asks for days 0 .. 3.
  std::vector<written> orders;
  for (int k = 0; k < 300; ++k) {
    const std::int64_t placed = midnight_ms - day_ms + static_cast<std::int64_t>(random() % (7 * day_ms));
    orders.push_back({new_uuid(), placed, 1000 + static_cast<std::int64_t>(random() % 9000), random_facts(random)});
  }
  std::vector<append_item> first;
  for (const auto& o : orders) first.push_back(order_with(o, 1));
  store_.journal.append_batch(first);
  // A third of them change (paid, shipped, delivered, refunded); a late
  // writer's older version of another third changes nothing.
  std::vector<append_item> later, stale;
  for (std::size_t k = 0; k < orders.size(); ++k) {
    if (k % 3 == 0) {
      orders[k].facts = random_facts(random);
      later.push_back(order_with(orders[k], 3));
    }
  }
  store_.journal.append_batch(later);
  for (std::size_t k = 0; k < orders.size(); k += 3) {
    auto old = orders[k];
    old.facts.paid = !old.facts.paid;
    old.facts.refunded_cents += 100;
    stale.push_back(order_with(old, 2));
  }
  store_.journal.append_batch(stale);

  const std::int64_t from = midnight_ms, to = midnight_ms + 4 * day_ms;
  std::map<std::int64_t, persistence::kpi_day_row> expected;
  std::vector<std::int64_t> processing;
  for (const auto& o : orders) {
    if (o.placed_at_ms < from || o.placed_at_ms >= to) continue;
    auto& d = expected[o.placed_at_ms - o.placed_at_ms % day_ms];
    ++d.orders;
    if (o.facts.paid) {
      ++d.paid;
      d.paid_total_cents += o.total_cents;
      d.refunded_cents += o.facts.refunded_cents;
    }
    if (o.facts.delivered) {
      ++d.delivered;
      if (o.facts.reviewed) ++d.reviewed;
    }
    if (o.facts.processing_ms) processing.push_back(*o.facts.processing_ms);
  }
  ASSERT_EQ(expected.size(), 4u);
  ASSERT_GT(processing.size(), 20u);

  const auto in = store_.analytics.kpi_inputs_between(from, to);
  ASSERT_EQ(in.days.size(), expected.size());
  for (const auto& d : in.days) {
    ASSERT_EQ(expected.count(d.day_ms), 1u) << d.day_ms;
    const auto& e = expected.at(d.day_ms);
    EXPECT_EQ(d.orders, e.orders) << d.day_ms;
    EXPECT_EQ(d.paid, e.paid) << d.day_ms;
    EXPECT_EQ(d.paid_total_cents, e.paid_total_cents) << d.day_ms;
    EXPECT_EQ(d.refunded_cents, e.refunded_cents) << d.day_ms;
    EXPECT_EQ(d.delivered, e.delivered) << d.day_ms;
    EXPECT_EQ(d.reviewed, e.reviewed) << d.day_ms;
  }
  EXPECT_EQ(in.processed, static_cast<std::int64_t>(processing.size()));
  EXPECT_EQ(in.processing_median_ms, nearest_rank(processing, 0.5));
  EXPECT_EQ(in.processing_p90_ms, nearest_rank(processing, 0.9));
}

TEST_F(kpi_sums, a_range_without_orders_has_no_days_and_no_processing_time) {
  store_.journal.append_batch({order_with({new_uuid(), midnight_ms + 10, 500, kpi_fact_row{}}, 1)});
  const auto in = store_.analytics.kpi_inputs_between(midnight_ms + day_ms, midnight_ms + 2 * day_ms);
  EXPECT_TRUE(in.days.empty());
  EXPECT_EQ(in.processed, 0);
  const auto placed = store_.analytics.kpi_inputs_between(midnight_ms, midnight_ms + day_ms);
  ASSERT_EQ(placed.days.size(), 1u);
  EXPECT_EQ(placed.days[0].orders, 1);
  EXPECT_EQ(placed.days[0].paid, 0);
}

}  // namespace
