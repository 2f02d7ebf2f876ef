#include "http/api.hpp"

#include <chrono>
#include <set>

#include "http/admin_screen.hpp"
#include "http/routes.hpp"
#include "http/security_headers.hpp"
#include "http/static_files.hpp"

namespace http {
namespace {

class api {
 public:
  api(app::shop_service& shop, app::admin_access& access, api_options options, app::webhook_admin* webhooks)
      : context_{shop, access, std::move(options)} {
    context_.webhooks = webhooks;
    add_customer_routes(routes_, context_);
    add_admin_routes(routes_, context_);
    add_admin_access_routes(routes_, context_);
    add_webhook_routes(routes_, context_);
    add_operations_routes(routes_, context_);
  }
  api(const api&) = delete;
  api& operator=(const api&) = delete;

  /// Before the body is read: the back office's networks and the admin
  /// credential on admin paths, the route limits on the storefront's expensive
  /// writes.
  void screen(const request& head, const screen_done& done) {
    const bool back_office = head.path == "/admin" || head.path.rfind("/admin/", 0) == 0 || head.path == "/metrics";
    const auto& allowed = context_.options.admin_allow_from;
    if (back_office && !allowed.empty() && !domain::in_any(allowed, head.remote_address))
      return refuse(done,
                    problem(problem_type::forbidden, "the back office is not reachable from " + head.remote_address));
    if (auto refusal = context_.limits->check(head)) return refuse(done, std::move(*refusal));
    if (head.path.rfind("/admin/api/", 0) == 0)
      return screen_admin_request(context_, head, [done](screen_verdict verdict) {
        if (verdict.refusal) add_security_headers(*verdict.refusal);
        done(std::move(verdict));
      });
    done({});
  }

  static void refuse(const screen_done& done, response res) {
    add_security_headers(res);
    done({std::move(res), {}});
  }

  void operator()(request req, responder respond) const {
    const bool api_path = req.path.rfind("/api/", 0) == 0 || req.path.rfind("/admin/api/", 0) == 0 ||
                          req.path == "/healthz" || req.path == "/readyz" || req.path == "/metrics";
    const bool page = !api_path && (req.method == "GET" || req.method == "HEAD");
    route_match found;
    std::string route = "pages";
    if (!page) {
      found = routes_.match(req.method, req.path);
      route = found ? found.pattern : "unmatched";
    }
    static const std::set<std::string> known_methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    const std::string method = known_methods.count(req.method) ? req.method : "other";
    respond = [respond, metrics = context_.metrics, method, route,
               started = std::chrono::steady_clock::now()](response res) {
      metrics->observe(method, route, res.status, std::chrono::steady_clock::now() - started);
      add_security_headers(res);
      respond(std::move(res));
    };
    if (page) return serve_page(req, respond);
    // Only the header screen authenticates; a server set up without it
    // reaches no admin route but the sign-in.
    const bool sign_in = req.path == "/admin/api/session" && req.method == "POST";
    if (req.path.rfind("/admin/api/", 0) == 0 && !sign_in && !req.who.authenticated())
      return respond(admin_unauthorized());
    routes_.dispatch(std::move(found), std::move(req), std::move(respond));
  }

 private:
  void serve_page(const request& req, const responder& respond) const {
    const auto& root = context_.options.web_root;
    const bool head = req.method == "HEAD";
    if (auto file = serve_static(root, req.path, head)) return respond(std::move(*file));
    // The storefront's own URLs (/orders/{id}, /products/{sku}, /privacy, /admin)
    // are pages of the single-page app: its index answers them.
    const bool app_route = req.path.rfind("/orders/", 0) == 0 || req.path.rfind("/products/", 0) == 0 ||
                           req.path == "/cart" || req.path == "/checkout" || req.path == "/privacy";
    if (app_route)
      if (auto index = serve_static(root, "/index.html", head)) return respond(std::move(*index));
    if (req.path == "/admin" || req.path.rfind("/admin/", 0) == 0)
      if (auto admin = serve_static(root, "/admin/index.html", head)) return respond(std::move(*admin));
    respond(problem(problem_type::not_found, "no such page"));
  }

  api_context context_;
  router routes_;
};

}  // namespace

api_handlers make_api(app::shop_service& shop, app::admin_access& access, api_options options,
                      app::webhook_admin* webhooks) {
  auto shared = std::make_shared<api>(shop, access, std::move(options), webhooks);
  return {[shared](request req, responder respond) { (*shared)(std::move(req), std::move(respond)); },
          [shared](const request& head, screen_done done) { shared->screen(head, done); }};
}

}  // namespace http
