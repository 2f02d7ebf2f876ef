#pragma once

// The shop's five KPIs (docs/KPIS.md), computed from read-model facts. Pure: the
// caller loads the orders placed in the range and the count of anonymous
// "checkout started" events; definitions are in docs/KPIS.md.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/strong_types.hpp"

namespace domain {

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

/// `from` and `to` are UTC midnights, `to` exclusive; `orders` are the orders
/// placed in [from, to). A rate whose denominator is 0 is empty, not 0: "no
/// data" is not "nothing worked". completion_rate is capped at 1 (events can be
/// lost to blockers and opt-outs, orders cannot).
kpi_report compute_kpis(const std::vector<kpi_order>& orders, std::int64_t checkouts_started, timestamp from,
                        timestamp to);

/// The nearest-rank percentile (p in (0, 100]) of a non-empty list, sorted or not.
double nearest_rank(std::vector<double> values, double p);

}  // namespace domain
