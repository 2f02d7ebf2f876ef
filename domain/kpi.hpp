#pragma once

// The shop's five KPIs (docs/KPIS.md). Pure. Each order's part in them
// (kpi_order_of) is kept beside its read model as the order changes, so a
// report sums a range of those (kpi_totals: per day, and the processing
// times' percentiles) instead of reading every order placed in it;
// total_up is that sum's definition. Definitions are in docs/KPIS.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/strong_types.hpp"

namespace domain {

struct order;

/// One order placed in the range, as the KPIs see it.
struct kpi_order {
  timestamp placed_at;
  cents total;
  bool paid = false;                    // received the correct payment (paid in full, or more)
  std::optional<timestamp> paid_at;     // when it became paid
  std::optional<timestamp> shipped_at;  // when it was shipped
  bool delivered = false;
  bool reviewed = false;
  // In the order's coin, for revenue net of refunds: what was quoted, counted
  // and sent back (a refund of an overpayment's excess was never revenue).
  atomic_amount quoted, received, refunded;
};

/// What the KPIs count of an order in its present state.
kpi_order kpi_order_of(const order& o);

/// From paid to shipped, when the order has both (in that order).
std::optional<std::chrono::milliseconds> processing_time_of(const kpi_order& o);

/// The part of an order's revenue its refunds took back, in USD cents at the
/// order's quote: refunds beyond the overpayment's excess, valued at
/// total / quoted and rounded half up, at most the total.
cents refunded_revenue(const kpi_order& order);

struct duration_summary {
  std::optional<double> median_hours;  // nearest-rank percentiles; empty when count is 0
  std::optional<double> p90_hours;
  std::size_t count = 0;
};

struct daily_figures {
  std::string date;  // YYYY-MM-DD (UTC)
  std::size_t orders = 0;
  std::int64_t revenue_cents = 0;   // totals of the day's orders that were paid, net of refunds
  std::int64_t refunded_cents = 0;  // what refunds took back of that (refunded_revenue)
};

struct kpi_report {
  std::int64_t checkouts_started = 0;
  std::size_t orders = 0;
  std::optional<double> completion_rate;                  // orders / checkouts started
  std::optional<double> payment_success_rate;             // paid orders / orders
  duration_summary processing_time;                       // paid -> shipped
  std::optional<double> review_rate;                      // reviewed / delivered orders
  std::optional<std::int64_t> average_order_value_cents;  // mean total of paid orders, rounded half up
  std::int64_t revenue_cents = 0;                         // paid orders' totals net of refunds
  std::int64_t refunded_cents = 0;                        // refunded_revenue of the paid orders
  std::vector<daily_figures> daily;                       // every day of [from, to), zeros included
};

/// The orders placed on one UTC day, summed.
struct kpi_day_totals {
  timestamp day;  // its midnight (UTC)
  std::size_t orders = 0;
  std::size_t paid = 0;               // orders that received the correct payment
  std::int64_t paid_total_cents = 0;  // their totals
  std::int64_t refunded_cents = 0;    // refunded_revenue of those paid orders
  std::size_t delivered = 0;
  std::size_t reviewed = 0;  // of the delivered orders
};

/// What a report needs of the orders placed in [from, to): the days that had
/// any (in any order) and the processing times' nearest-rank percentiles.
struct kpi_totals {
  std::vector<kpi_day_totals> days;
  duration_summary processing_time;
};

/// The sums a report reads, from the orders themselves: the definition the
/// database's sums of the kept facts follow.
kpi_totals total_up(const std::vector<kpi_order>& orders, timestamp from, timestamp to);

/// `from` and `to` are UTC midnights, `to` exclusive; `orders` are the orders
/// placed in [from, to). A rate whose denominator is 0 is empty, not 0: "no
/// data" is not "nothing worked". completion_rate is capped at 1 (events can be
/// lost to blockers and opt-outs, orders cannot).
kpi_report compute_kpis(const kpi_totals& totals, std::int64_t checkouts_started, timestamp from, timestamp to);
/// The same from the orders placed in [from, to).
kpi_report compute_kpis(const std::vector<kpi_order>& orders, std::int64_t checkouts_started, timestamp from,
                        timestamp to);

/// The nearest-rank percentile (p in (0, 100]) of a non-empty list, sorted or not.
double nearest_rank(std::vector<double> values, double p);

}  // namespace domain
