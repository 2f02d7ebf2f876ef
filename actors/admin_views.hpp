#pragma once

// Database rows as the application face's views: the one place where a
// persistence row becomes what the admin reads.

#include <vector>

#include "app/views.hpp"
#include "domain/kpi.hpp"
#include "persistence/rows.hpp"

namespace actors {

persistence::order_filter row_filter(const app::order_filter& filter);
app::order_page page_view(const persistence::order_page& page);
/// A page of list_refunds: each order with its refund columns.
app::refund_page refund_page_view(const persistence::order_page& page);
app::customer_record customer_view(const persistence::customer_row& row);
app::erasure_request erasure_request_view(const persistence::erasure_request_row& row);
app::event_record event_view(const persistence::stored_event& event);
app::dead_message dead_message_view(const persistence::outbox_entry& entry);
app::payment_exception exception_view(const persistence::exception_row& row);
domain::kpi_totals kpi_totals(const persistence::kpi_inputs& inputs);
app::queue_gauges queue_view(const persistence::metrics_snapshot& snapshot);

}  // namespace actors
