#pragma once

// Counts for the shop owner and the operator: anonymous storefront events,
// the inputs of the KPIs, and the gauges of /metrics.

#include <cstdint>
#include <string>

#include "persistence/connection.hpp"
#include "persistence/rows.hpp"

namespace persistence {

class analytics_store {
 public:
  explicit analytics_store(connection& db);

  /// Adds one to the day's count of an anonymous event (the day of at_ms, UTC).
  void count_event(const std::string& type, std::int64_t at_ms);
  /// Orders placed in [from, to) and the checkouts started on those days (UTC).
  kpi_inputs kpi_inputs_between(std::int64_t from_ms, std::int64_t to_ms);
  metrics_snapshot metrics();

 private:
  connection& db_;
};

}  // namespace persistence
