#include "actors/admin_views.hpp"

#include <nlohmann/json.hpp>

#include "domain/order_json.hpp"

namespace actors {
namespace {

domain::timestamp at(std::int64_t unix_ms) {
  return domain::from_unix_ms(unix_ms);
}

}  // namespace

persistence::order_filter row_filter(const app::order_filter& filter) {
  persistence::order_filter rows;
  if (filter.status) rows.status = domain::to_string(*filter.status);
  rows.query = filter.query;
  rows.limit = filter.limit;
  rows.cursor = filter.cursor;
  return rows;
}

app::order_page page_view(const persistence::order_page& page) {
  app::order_page out;
  out.orders.reserve(page.rows.size());
  for (const auto& row : page.rows)
    out.orders.push_back(app::order_summary{row.id, row.number, row.status, row.payment_method, row.total_cents,
                                            at(row.created_at_ms), at(row.updated_at_ms)});
  out.next_cursor = page.next_cursor;
  return out;
}

app::refund_page refund_page_view(const persistence::order_page& page) {
  app::refund_page out;
  const auto summaries = page_view(page);
  for (std::size_t i = 0; i < page.rows.size(); ++i) {
    const auto& row = page.rows[i];
    // The coin's decimals travel in the view's quote (not sealed).
    const auto view = nlohmann::json::parse(row.view_json, nullptr, false);
    int decimals = 0;
    if (view.is_object() && view.contains("payment")) decimals = view["payment"].value("decimals", 0);
    out.refunds.push_back(app::refund_summary{summaries.orders[i], row.refund_state, row.refund_due_atomic,
                                              row.refunded_atomic, row.refund_outstanding_atomic, decimals});
  }
  out.next_cursor = page.next_cursor;
  return out;
}

app::customer_record customer_view(const persistence::customer_row& row) {
  app::customer_record out;
  out.ref = row.ref;
  if (row.erased) {
    out.erased = true;
    if (row.erased_at_ms > 0) out.erased_at = at(row.erased_at_ms);
    return out;
  }
  out.details = domain::customer_details{row.name, row.email};
  out.shipping = domain::parse_shipping_json(row.shipping_json);
  return out;
}

app::erasure_request erasure_request_view(const persistence::erasure_request_row& row) {
  app::erasure_request out{row.order_id, row.number, row.customer_ref, at(row.requested_at_ms), std::nullopt};
  if (row.erased_at_ms > 0) out.erased_at = at(row.erased_at_ms);
  return out;
}

app::event_record event_view(const persistence::stored_event& event) {
  return app::event_record{event.seq, event.type, at(event.recorded_at_ms), event.payload_json};
}

app::dead_message dead_message_view(const persistence::outbox_entry& entry) {
  return app::dead_message{entry.id,     entry.order_id,         entry.kind, entry.attempts, entry.last_error,
                           entry.status, at(entry.created_at_ms)};
}

app::payment_exception exception_view(const persistence::exception_row& row) {
  app::payment_exception out;
  out.id = row.id;
  out.coin = row.coin;
  out.txid = row.txid;
  out.amount_atomic = row.amount_atomic;
  out.received_at = at(row.received_at_ms);
  out.memo = row.memo;
  out.reason = row.reason;
  out.source = row.source;
  out.status = row.status;
  out.order_id = row.order_id;
  out.created_at = at(row.created_at_ms);
  out.resolved_at = at(row.resolved_at_ms);
  out.resolved_by = row.resolved_by;
  out.resolution = row.resolution;
  return out;
}

domain::kpi_totals kpi_totals(const persistence::kpi_inputs& inputs) {
  domain::kpi_totals totals;
  for (const auto& row : inputs.days) {
    domain::kpi_day_totals d;
    d.day = at(row.day_ms);
    d.orders = static_cast<std::size_t>(row.orders);
    d.paid = static_cast<std::size_t>(row.paid);
    d.paid_total_cents = row.paid_total_cents;
    d.refunded_cents = row.refunded_cents;
    d.delivered = static_cast<std::size_t>(row.delivered);
    d.reviewed = static_cast<std::size_t>(row.reviewed);
    totals.days.push_back(d);
  }
  totals.processing_time.count = static_cast<std::size_t>(inputs.processed);
  if (inputs.processed > 0) {
    const auto hours = [](std::int64_t ms) { return static_cast<double>(ms) / 3'600'000.0; };
    totals.processing_time.median_hours = hours(inputs.processing_median_ms);
    totals.processing_time.p90_hours = hours(inputs.processing_p90_ms);
  }
  return totals;
}

app::queue_gauges queue_view(const persistence::metrics_snapshot& snapshot) {
  return app::queue_gauges{snapshot.orders_by_status, snapshot.outbox_pending,          snapshot.outbox_dead,
                           snapshot.timers_due,       snapshot.payment_exceptions_open, snapshot.mail_suppressed,
                           snapshot.webhooks_due};
}

}  // namespace actors
