// The operator's endpoints: liveness, readiness and metrics. Counts only,
// nothing personal; like /readyz, /metrics is meant for the operator's
// network (keep it off the public proxy).

#include "http/metrics_text.hpp"
#include "http/routes.hpp"
#include "http/views.hpp"

namespace http {

void add_operations_routes(router& routes, const api_context& api) {
  routes.add("GET", "/healthz", [](request, route_params, responder respond) {
    respond(json_response(200, {{"status", "up"}}));
  });
  routes.add("GET", "/metrics", [&api](request, route_params, responder respond) {
    api.shop.engine_metrics([respond, metrics = api.metrics](app::engine_metrics engine) {
      response res;
      res.content_type = "text/plain; version=0.0.4; charset=utf-8";
      res.body = metrics->render() + prometheus_text(engine);
      respond(std::move(res));
    });
  });
  routes.add("GET", "/readyz", [&api](request, route_params, responder respond) {
    api.shop.check_readiness([respond](app::readiness r) {
      respond(json_response(r.database && r.supervision ? 200 : 503, views::readiness(r)));
    });
  });
}

}  // namespace http
