// The owner's webhooks (docs/API.md, Webhooks): endpoints registered with a
// secret shown once, listed and deleted; deliveries that failed, and their
// redelivery. Admin only, audited like every admin route. A registration
// makes the engine POST to a URL of the caller's choosing, so targets on the
// shop's own networks are refused unless webhooks.allow_private_targets.

#include "http/admin_route.hpp"
#include "http/routes.hpp"
#include "http/webhook_requests.hpp"
#include "http/webhook_views.hpp"

namespace http {
namespace {

response webhooks_unavailable() {
  return problem(problem_type::unavailable, "webhooks are not available on this server");
}

}  // namespace

void add_webhook_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "POST", "/admin/api/webhooks", {path_id::none, "", true}, [&api](admin_call& call) {
    if (!api.webhooks) return call.respond(webhooks_unavailable());
    auto read = dto::webhook_registration(call.body, api.webhooks->allow_private_targets());
    if (auto* refused = std::get_if<domain::domain_error>(&read)) return call.respond(error_response(*refused));
    if (auto* own_network = std::get_if<dto::private_target>(&read))
      return call.respond(problem(problem_type::forbidden, own_network->detail, {{"field", "url"}}));
    auto endpoint = std::get<app::new_webhook_endpoint>(std::move(read));
    endpoint.by = call.who();
    // Opting in sends customers' personal data to a third party: the audit
    // log says so in as many words.
    if (endpoint.include_personal_data) call.audit_row->target = "include_personal_data";
    call.audit(endpoint.include_personal_data ? "registers webhook endpoint {} with the customers' personal data"
                                              : "registers webhook endpoint {}",
               endpoint.url);
    api.webhooks->register_webhook(std::move(endpoint),
                                   [respond = call.respond](domain::result<app::registered_webhook> registered) {
                                     if (!registered) return respond(error_response(registered.error()));
                                     auto res = json_response(201, views::registered_webhook(registered.value()));
                                     res.headers.emplace_back("Cache-Control", "no-store");
                                     respond(std::move(res));
                                   });
  });
  add_admin_route(routes, api, "GET", "/admin/api/webhooks", {}, [&api](admin_call& call) {
    if (!api.webhooks) return call.respond(webhooks_unavailable());
    api.webhooks->webhooks(reply_with<std::vector<app::webhook_endpoint>>(call.respond, views::webhook_endpoints));
  });
  add_admin_route(routes, api, "DELETE", "/admin/api/webhooks/{id}", {path_id::key, "no such webhook endpoint"},
                  [&api](admin_call& call) {
                    if (!api.webhooks) return call.respond(webhooks_unavailable());
                    call.audit("deletes webhook endpoint {}", call.key_id);
                    api.webhooks->delete_webhook(call.key_id, [respond = call.respond](domain::result<bool> deleted) {
                      if (!deleted) return respond(error_response(deleted.error()));
                      if (!*deleted)
                        return respond(problem(problem_type::not_found, "no webhook endpoint with this id"));
                      response res;
                      res.status = 204;  // nothing to show: no body, no Content-Type
                      res.content_type.clear();
                      respond(std::move(res));
                    });
                  });
  add_admin_route(routes, api, "GET", "/admin/api/webhooks/deliveries", {}, [&api](admin_call& call) {
    if (!api.webhooks) return call.respond(webhooks_unavailable());
    auto state = dto::webhook_delivery_state(call.req.query);
    if (!state) return call.respond(error_response(state.error()));
    api.webhooks->webhook_deliveries(std::move(state.value()), reply_with<std::vector<app::webhook_delivery>>(
                                                                   call.respond, views::webhook_deliveries));
  });
  add_admin_route(routes, api, "POST", "/admin/api/webhooks/deliveries/{id}/redeliver",
                  {path_id::key, "no such webhook delivery"}, [&api](admin_call& call) {
                    if (!api.webhooks) return call.respond(webhooks_unavailable());
                    const auto id = call.key_id;
                    call.audit("redelivers webhook {}", id);
                    api.webhooks->redeliver_webhook(id, [respond = call.respond, id](domain::result<bool> r) {
                      if (!r) return respond(error_response(r.error()));
                      if (!*r)
                        return respond(problem(problem_type::not_found, "no failed webhook delivery with this id"));
                      respond(json_response(200, {{"id", id}, {"state", "pending"}}));
                    });
                  });
}

}  // namespace http
