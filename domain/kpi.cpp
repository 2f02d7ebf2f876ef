#include "domain/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "domain/order.hpp"
#include "domain/time.hpp"

namespace domain {

double nearest_rank(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

namespace {

constexpr auto one_day = std::chrono::hours{24};

std::optional<double> ratio(std::size_t part, std::size_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

cents refunded_revenue(const kpi_order& o) {
  if (o.quoted == atomic_amount{} || o.total.value <= 0) return cents{0};
  const atomic_amount excess = o.received > o.quoted ? o.received - o.quoted : atomic_amount{};
  if (!(o.refunded > excess)) return cents{0};
  const atomic_amount::rep beyond = std::min((o.refunded - excess).value(), o.quoted.value());
  const auto total = static_cast<atomic_amount::rep>(o.total.value);
  const atomic_amount::rep quoted = o.quoted.value();
  return cents{static_cast<std::int64_t>((2 * beyond * total + quoted) / (2 * quoted))};
}

kpi_order kpi_order_of(const order& o) {
  kpi_order k;
  k.placed_at = o.created_at;
  k.total = o.total;
  const payment_state state = o.payment_progress();
  k.paid = state == payment_state::paid || state == payment_state::overpaid;
  if (o.payment) k.paid_at = o.payment->at;
  for (const auto& t : o.timeline)
    if (t.status == order_status::shipped) {
      k.shipped_at = t.at;
      break;
    }
  k.delivered = o.delivered_at.has_value();
  k.reviewed = o.customer_review.has_value();
  k.quoted = o.quote.amount;
  k.received = o.received;
  k.refunded = o.refunded;
  return k;
}

std::optional<std::chrono::milliseconds> processing_time_of(const kpi_order& o) {
  if (!o.paid_at || !o.shipped_at || *o.shipped_at < *o.paid_at) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*o.shipped_at - *o.paid_at);
}

kpi_totals total_up(const std::vector<kpi_order>& orders, timestamp from, timestamp to) {
  kpi_totals totals;
  std::map<timestamp, kpi_day_totals> days;
  std::vector<double> processing_hours;
  for (const auto& o : orders) {
    if (o.placed_at < from || o.placed_at >= to) continue;
    auto& d = days[from + (o.placed_at - from) / one_day * one_day];
    ++d.orders;
    if (o.paid) {
      ++d.paid;
      d.paid_total_cents += o.total.value;
      d.refunded_cents += refunded_revenue(o).value;
    }
    if (o.delivered) {
      ++d.delivered;
      if (o.reviewed) ++d.reviewed;
    }
    if (const auto t = processing_time_of(o))
      processing_hours.push_back(std::chrono::duration<double, std::ratio<3600>>(*t).count());
  }
  for (auto& [day, d] : days) {
    d.day = day;
    totals.days.push_back(d);
  }
  totals.processing_time.count = processing_hours.size();
  if (!processing_hours.empty()) {
    totals.processing_time.median_hours = nearest_rank(processing_hours, 50);
    totals.processing_time.p90_hours = nearest_rank(processing_hours, 90);
  }
  return totals;
}

kpi_report compute_kpis(const kpi_totals& totals, std::int64_t checkouts_started, timestamp from, timestamp to) {
  kpi_report r;
  r.checkouts_started = checkouts_started;
  std::size_t paid = 0, delivered = 0, reviewed = 0;
  std::int64_t paid_total = 0;
  for (timestamp day = from; day < to; day += one_day)
    r.daily.push_back(daily_figures{format_rfc3339(day).substr(0, 10), 0, 0});
  for (const auto& d : totals.days) {
    r.orders += d.orders;
    paid += d.paid;
    paid_total += d.paid_total_cents;
    delivered += d.delivered;
    reviewed += d.reviewed;
    r.revenue_cents += d.paid_total_cents - d.refunded_cents;
    r.refunded_cents += d.refunded_cents;
    if (d.day < from || d.day >= to) continue;
    auto& figures = r.daily[static_cast<std::size_t>((d.day - from) / one_day)];
    figures.orders += d.orders;
    figures.revenue_cents += d.paid_total_cents - d.refunded_cents;
    figures.refunded_cents += d.refunded_cents;
  }
  if (checkouts_started > 0)
    r.completion_rate = std::min(1.0, static_cast<double>(r.orders) / static_cast<double>(checkouts_started));
  r.payment_success_rate = ratio(paid, r.orders);
  r.review_rate = ratio(reviewed, delivered);
  if (paid > 0) r.average_order_value_cents = (2 * paid_total + static_cast<std::int64_t>(paid)) / (2 * paid);
  r.processing_time = totals.processing_time;
  return r;
}

kpi_report compute_kpis(const std::vector<kpi_order>& orders, std::int64_t checkouts_started, timestamp from,
                        timestamp to) {
  return compute_kpis(total_up(orders, from, to), checkouts_started, from, to);
}

}  // namespace domain
