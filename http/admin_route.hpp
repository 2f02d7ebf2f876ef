#pragma once

// The prologue every authenticated admin route starts with: the caller
// checked, the `{id}` parsed, the JSON body read, and the answer written to
// the audit log whatever it is. Internal to http/.

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/access.hpp"
#include "http/routes.hpp"

namespace http {

/// What the `{id}` of an admin route names.
enum class path_id { none, order, row, key, customer };

struct admin_route_spec {
  path_id id = path_id::none;
  const char* unknown_id = "";  // the 404's detail for an id that cannot exist
  bool reads_body = false;
};

/// One admin request past its prologue: authenticated, its `{id}` checked,
/// its JSON body parsed (when the route reads one).
struct admin_call {
  request req;
  domain::order_id order;    // path_id::order
  std::int64_t row_id = 0;   // path_id::row
  std::string key_id;        // path_id::key: an API key's id
  std::string customer_ref;  // path_id::customer: a customer ref (a UUID)
  nlohmann::json body;       // null when the route reads none
  responder respond;
  /// The audit row written with the answer; a route may name its target more
  /// closely than the path does before it responds.
  std::shared_ptr<app::audit_entry> audit_row;

  /// Logs an admin action (who, from where, what) before it runs.
  template <class... Args>
  void audit(const char* what, Args&&... args) const {
    spdlog::info(std::string{"audit: {} from {} "} + what, req.who.name, req.remote_address,
                 std::forward<Args>(args)...);
  }
  const std::string& who() const { return req.who.name; }
};

/// A positive integer id (a mail message, a payment exception).
inline std::optional<std::int64_t> row_id(std::string_view text) {
  const std::string s{text};
  char* end = nullptr;
  const long long id = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || id <= 0) return std::nullopt;
  return id;
}

/// Registers an admin route: the prologue (caller, audit row, id, body) runs before `handle`.
template <class Handle>
void add_admin_route(router& routes, const api_context& api, const char* method, const char* pattern,
                     admin_route_spec spec, Handle handle) {
  const std::string action = std::string{method} + " " + pattern;
  routes.add(method, pattern, [&api, spec, handle, action](request req, route_params params, responder respond) {
    // The header screen named the caller; checked again here so that no
    // admin route depends on how the server is set up.
    if (!req.who.authenticated()) return respond(admin_unauthorized());
    // Whatever the answer, it is written down: who, what, on what, from where.
    auto audit_row = std::make_shared<app::audit_entry>(audit_entry_for(req, action, std::string{params.get("id")}));
    respond = [respond, access = &api.access, audit_row](response res) {
      auto entry = *audit_row;
      entry.outcome = res.status;
      access->record(std::move(entry));
      respond(std::move(res));
    };
    admin_call call;
    call.audit_row = audit_row;
    if (spec.id == path_id::order) {
      std::string id{params.get("id")};
      if (!domain::is_uuid(id)) return respond(problem(problem_type::not_found, spec.unknown_id));
      call.order = domain::order_id{std::move(id)};
    } else if (spec.id == path_id::row) {
      auto id = row_id(params.get("id"));
      if (!id) return respond(problem(problem_type::not_found, spec.unknown_id));
      call.row_id = *id;
    } else if (spec.id == path_id::customer) {
      call.customer_ref = std::string{params.get("id")};
      if (!domain::is_uuid(call.customer_ref)) return respond(problem(problem_type::not_found, spec.unknown_id));
    } else if (spec.id == path_id::key) {
      call.key_id = std::string{params.get("id")};
      if (call.key_id.empty() || call.key_id.size() > 64)
        return respond(problem(problem_type::not_found, spec.unknown_id));
    }
    if (spec.reads_body) {
      auto body = parse_body(req, respond);
      if (!body) return;
      call.body = std::move(*body);
    }
    call.req = std::move(req);
    call.respond = std::move(respond);
    handle(call);
  });
}

template <class T, class View>
app::callback<T> reply_with(responder respond, View view) {
  return [respond, view](domain::result<T> r) {
    respond(r ? json_response(200, view(r.value())) : error_response(r.error()));
  };
}

}  // namespace http
