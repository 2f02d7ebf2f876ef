#pragma once

// The engine's side of GET /metrics in the Prometheus text format (the HTTP
// layer's own request counts are request_metrics::render).

#include <string>

#include "app/views.hpp"

namespace http {

std::string prometheus_text(const app::engine_metrics& metrics);

}  // namespace http
