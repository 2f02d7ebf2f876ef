// The admin's API (a signed-in session, an API key or the operator's
// admin.token, see admin_screen.hpp): orders, commands, payment exceptions,
// the wallet import, dead mail, KPIs and the system view. Every call, reads
// included, is written to the audit log with its outcome.

#include <spdlog/spdlog.h>

#include <chrono>

#include "domain/access.hpp"
#include "domain/time.hpp"
#include "http/dto.hpp"
#include "http/admin_route.hpp"
#include "http/views.hpp"

namespace http {
namespace {

void add_order_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/orders", {}, [&api](admin_call& call) {
    auto filter = dto::order_filter(call.req.query);
    if (!filter) return call.respond(error_response(filter.error()));
    api.shop.list_orders(std::move(filter.value()), reply_with<app::order_page>(call.respond, views::order_page));
  });
  add_admin_route(
      routes, api, "GET", "/admin/api/orders/{id}", {path_id::order, "no such order"}, [&api](admin_call& call) {
        api.shop.admin_order(call.order, reply_with<app::admin_order_details>(call.respond, views::admin_order));
      });
  add_admin_route(routes, api, "POST", "/admin/api/orders/{id}/commands", {path_id::order, "no such order", true},
                  [&api](admin_call& call) {
                    auto command = dto::admin_command(call.body);
                    if (!command) return call.respond(error_response(command.error()));
                    call.audit("runs {} on order {}", call.body.value("type", ""), call.order.value());
                    api.shop.execute(call.order, std::move(command.value()), reply_with_order(call.respond));
                  });
}

void add_refund_routes(router& routes, const api_context& api) {
  // What the shop owes back, for the admin to send from the wallet by hand.
  add_admin_route(routes, api, "GET", "/admin/api/refunds", {}, [&api](admin_call& call) {
    auto query = dto::refund_query(call.req.query);
    if (!query) return call.respond(error_response(query.error()));
    api.shop.refunds(query->which, std::move(query->page),
                     reply_with<app::refund_page>(call.respond, views::refund_page));
  });
}

void add_privacy_routes(router& routes, const api_context& api) {
  // Crypto-shredding: the customer's data key is destroyed, so nothing sealed
  // for them opens again; the order, its events and the KPIs stay.
  add_admin_route(routes, api, "POST", "/admin/api/customers/{id}/erase", {path_id::customer, "no such customer"},
                  [&api](admin_call& call) {
                    call.audit("erases the personal data of customer {}", call.customer_ref);
                    api.shop.erase_customer(call.customer_ref,
                                            reply_with<app::erasure_receipt>(call.respond, views::erasure_receipt));
                  });
  add_admin_route(routes, api, "GET", "/admin/api/erasure-requests", {}, [&api](admin_call& call) {
    api.shop.erasure_requests(reply_with<std::vector<app::erasure_request>>(call.respond, views::erasure_requests));
  });
}

void add_mail_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/mail/dead", {}, [&api](admin_call& call) {
    api.shop.dead_mail(reply_with<std::vector<app::dead_message>>(call.respond, views::dead_mail));
  });
  add_admin_route(routes, api, "POST", "/admin/api/mail/{id}/retry", {path_id::row, "no such message"},
                  [&api](admin_call& call) {
                    const auto id = call.row_id;
                    call.audit("retries mail #{}", id);
                    api.shop.retry_mail(id, [respond = call.respond, id](domain::result<bool> r) {
                      if (!r) return respond(error_response(r.error()));
                      if (!*r) return respond(problem(problem_type::not_found, "no dead message with this id"));
                      respond(json_response(200, {{"id", id}, {"status", "pending"}}));
                    });
                  });
}

void add_payment_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/payments/exceptions", {}, [&api](admin_call& call) {
    auto status = dto::exception_status(call.req.query);
    if (!status) return call.respond(error_response(status.error()));
    api.shop.payment_exceptions(std::move(status.value()), reply_with<std::vector<app::payment_exception>>(
                                                               call.respond, views::payment_exceptions));
  });
  add_admin_route(routes, api, "POST", "/admin/api/payments/exceptions/{id}/assign",
                  {path_id::row, "no such payment exception", true}, [&api](admin_call& call) {
                    auto order = dto::exception_assignment(call.body);
                    if (!order) return call.respond(error_response(order.error()));
                    call.audit("assigns payment exception #{} to order {}", call.row_id, order->value());
                    api.shop.assign_exception(
                        call.row_id, std::move(order.value()), call.who(),
                        reply_with<app::payment_exception>(call.respond, views::payment_exception));
                  });
  add_admin_route(routes, api, "POST", "/admin/api/payments/exceptions/{id}/dismiss",
                  {path_id::row, "no such payment exception", true}, [&api](admin_call& call) {
                    auto reason = dto::exception_dismissal(call.body);
                    if (!reason) return call.respond(error_response(reason.error()));
                    call.audit("dismisses payment exception #{}", call.row_id);
                    api.shop.dismiss_exception(
                        call.row_id, std::move(reason.value()), call.who(),
                        reply_with<app::payment_exception>(call.respond, views::payment_exception));
                  });
  add_admin_route(routes, api, "POST", "/admin/api/payments/import", {}, [&api](admin_call& call) {
    if (call.req.header("content-type").rfind("text/csv", 0) != 0)
      return call.respond(
          problem(problem_type::unsupported_media_type, "send the wallet export as Content-Type: text/csv"));
    call.audit("imports a wallet export of {} bytes", call.req.body.size());
    api.shop.import_payments(std::move(call.req.body),
                             reply_with<app::import_summary>(call.respond, views::import_summary));
  });
}

void add_report_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/kpis", {}, [&api](admin_call& call) {
    using std::chrono::hours;
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const auto today = *domain::parse_rfc3339(domain::format_rfc3339(now).substr(0, 10) + "T00:00:00Z");
    auto range = dto::kpi_range(call.req.query, today);
    if (!range) return call.respond(error_response(range.error()));
    const std::string from = domain::format_rfc3339(range->from).substr(0, 10);
    const std::string to = domain::format_rfc3339(range->to).substr(0, 10);
    api.shop.kpis(range->from, range->to + hours{24},
                  [respond = call.respond, from, to](domain::result<domain::kpi_report> r) {
                    respond(r ? json_response(200, views::kpis(r.value(), from, to)) : error_response(r.error()));
                  });
  });
  add_admin_route(routes, api, "GET", "/admin/api/system", {}, [&api](admin_call& call) {
    api.shop.system_status([respond = call.respond](app::system_report report) {
      respond(json_response(200, views::system_report(report)));
    });
  });
}

}  // namespace

void add_admin_routes(router& routes, const api_context& api) {
  add_order_routes(routes, api);
  add_refund_routes(routes, api);
  add_mail_routes(routes, api);
  add_privacy_routes(routes, api);
  add_payment_routes(routes, api);
  add_report_routes(routes, api);
}

}  // namespace http
