#include "domain/kpi.hpp"

#include <algorithm>
#include <cmath>

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

kpi_report compute_kpis(const std::vector<kpi_order>& orders, std::int64_t checkouts_started, timestamp from,
                        timestamp to) {
  kpi_report r;
  r.checkouts_started = checkouts_started;
  r.orders = orders.size();
  if (checkouts_started > 0)
    r.completion_rate = std::min(1.0, static_cast<double>(orders.size()) / static_cast<double>(checkouts_started));

  std::size_t paid = 0, delivered = 0, reviewed = 0;
  std::int64_t paid_total = 0;
  std::vector<double> processing_hours;
  for (const auto& o : orders) {
    if (o.paid) {
      ++paid;
      paid_total += o.total.value;
    }
    if (o.paid_at && o.shipped_at && *o.shipped_at >= *o.paid_at)
      processing_hours.push_back(std::chrono::duration<double, std::ratio<3600>>(*o.shipped_at - *o.paid_at).count());
    if (o.delivered) {
      ++delivered;
      if (o.reviewed) ++reviewed;
    }
  }
  r.payment_success_rate = ratio(paid, orders.size());
  r.review_rate = ratio(reviewed, delivered);
  if (paid > 0) r.average_order_value_cents = (2 * paid_total + static_cast<std::int64_t>(paid)) / (2 * paid);
  r.processing_time.count = processing_hours.size();
  if (!processing_hours.empty()) {
    r.processing_time.median_hours = nearest_rank(processing_hours, 50);
    r.processing_time.p90_hours = nearest_rank(processing_hours, 90);
  }

  for (timestamp day = from; day < to; day += one_day)
    r.daily.push_back(daily_figures{format_rfc3339(day).substr(0, 10), 0, 0});
  for (const auto& o : orders) {
    if (o.placed_at < from || o.placed_at >= to) continue;
    auto& d = r.daily[static_cast<std::size_t>((o.placed_at - from) / one_day)];
    ++d.orders;
    if (!o.paid) continue;
    const std::int64_t refunded = refunded_revenue(o).value;
    d.revenue_cents += o.total.value - refunded;
    d.refunded_cents += refunded;
    r.revenue_cents += o.total.value - refunded;
    r.refunded_cents += refunded;
  }
  return r;
}

}  // namespace domain
