// The back office's door: signing in and out (a session cookie and its CSRF
// token), the API keys automation uses, and the audit log.

#include <spdlog/spdlog.h>

#include "domain/time.hpp"
#include "http/admin_route.hpp"
#include "http/dto.hpp"
#include "http/views.hpp"

namespace http {
namespace {

std::string session_cookie_header(const std::string& token) {
  // No Max-Age: the browser forgets it when it closes; the engine ends it
  // after 30 idle minutes or 12 hours whatever happens.
  return std::string{session_cookie} + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

/// 204: done, nothing to show (no body, so no Content-Type).
response no_content() {
  response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

std::string expired_cookie_header() {
  return std::string{session_cookie} + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

/// POST /admin/api/session: not behind add_admin_route (nobody is signed in
/// yet), rate limited per client by the header screen and per account here.
void add_sign_in_route(router& routes, const api_context& api) {
  routes.add("POST", "/admin/api/session", [&api](request req, route_params, responder respond) {
    auto body = parse_body(req, respond);
    if (!body) return;
    auto attempt = dto::sign_in(*body);
    if (!attempt) return respond(error_response(attempt.error()));
    attempt->client = req.remote_address;
    auto entry = audit_entry_for(req, "sign_in", "");
    entry.actor = attempt->email;
    if (auto refusal = api.limits->check_sign_in_account(attempt->email)) {
      entry.outcome = refusal->status;
      api.access.record(std::move(entry));
      return respond(std::move(*refusal));
    }
    api.access.sign_in(std::move(attempt.value()), [respond, entry, access = &api.access](
                                                        domain::result<app::admin_session> signed_in) mutable {
      if (!signed_in) {
        auto res = error_response(signed_in.error());
        entry.outcome = res.status;
        access->record(std::move(entry));
        return respond(std::move(res));
      }
      auto res = json_response(201, views::admin_session(signed_in->who));
      res.headers.emplace_back("Set-Cookie", session_cookie_header(signed_in->token));
      res.headers.emplace_back("Cache-Control", "no-store");
      entry.actor = signed_in->who.name;
      entry.target = signed_in->who.session_id;
      entry.outcome = res.status;
      access->record(std::move(entry));
      respond(std::move(res));
    });
  });
}

void add_session_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/session", {}, [&api](admin_call& call) {
    if (call.req.who.credential != "session") {
      app::admin_identity who;
      who.name = call.req.who.name;
      who.credential = call.req.who.credential;
      return call.respond(json_response(200, views::admin_session(who)));
    }
    // The cookie again, for the session's CSRF token and end: the screen
    // passes on who, not the session's secrets.
    api.access.authenticate({app::admin_credential::kind::session, cookie_value(call.req, session_cookie)},
                            [respond = call.respond](domain::result<std::optional<app::admin_identity>> found) {
                              if (!found) return respond(error_response(found.error()));
                              if (!*found) return respond(admin_unauthorized());
                              auto res = json_response(200, views::admin_session(**found));
                              res.headers.emplace_back("Cache-Control", "no-store");
                              respond(std::move(res));
                            });
  });
  add_admin_route(routes, api, "DELETE", "/admin/api/session", {}, [&api](admin_call& call) {
    if (call.req.who.credential != "session")
      return call.respond(problem(problem_type::not_found, "only a signed-in session can be signed out"));
    call.audit("signs out of session {}", call.req.who.session_id);
    api.access.sign_out(call.req.who.session_id, [respond = call.respond](domain::result<bool> done) {
      if (!done) return respond(error_response(done.error()));
      auto res = no_content();
      res.headers.emplace_back("Set-Cookie", expired_cookie_header());
      respond(std::move(res));
    });
  });
}

void add_key_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "POST", "/admin/api/keys", {path_id::none, "", true}, [&api](admin_call& call) {
    // A key can do what its maker can, for as long as it lives: only a
    // person who signed in with both factors may make one.
    if (call.req.who.credential != "session")
      return call.respond(problem(problem_type::forbidden, "API keys are issued from a signed-in session only"));
    auto name = dto::api_key_name(call.body);
    if (!name) return call.respond(error_response(name.error()));
    call.audit("issues API key \"{}\"", name.value());
    api.access.issue_api_key(std::move(name.value()), call.req.who.name,
                             [respond = call.respond](domain::result<app::issued_api_key> issued) {
                               if (!issued) return respond(error_response(issued.error()));
                               auto res = json_response(201, views::issued_api_key(issued.value()));
                               res.headers.emplace_back("Cache-Control", "no-store");
                               respond(std::move(res));
                             });
  });
  add_admin_route(routes, api, "GET", "/admin/api/keys", {}, [&api](admin_call& call) {
    api.access.api_keys([respond = call.respond](domain::result<std::vector<app::api_key>> keys) {
      respond(keys ? json_response(200, views::api_keys(keys.value())) : error_response(keys.error()));
    });
  });
  add_admin_route(routes, api, "DELETE", "/admin/api/keys/{id}", {path_id::key, "no such API key"},
                  [&api](admin_call& call) {
                    call.audit("revokes API key {}", call.key_id);
                    api.access.revoke_api_key(call.key_id, [respond = call.respond](domain::result<bool> revoked) {
                      if (!revoked) return respond(error_response(revoked.error()));
                      if (!*revoked) return respond(problem(problem_type::not_found, "no live API key with this id"));
                      respond(no_content());
                    });
                  });
}

void add_audit_routes(router& routes, const api_context& api) {
  add_admin_route(routes, api, "GET", "/admin/api/audit", {}, [&api](admin_call& call) {
    auto query = dto::audit_query(call.req.query);
    if (!query) return call.respond(error_response(query.error()));
    const int limit = query->limit;
    api.access.audit_log(std::move(query.value()),
                         [respond = call.respond, limit](domain::result<std::vector<app::audit_entry>> entries) {
                           respond(entries ? json_response(200, views::audit_log(entries.value(), limit))
                                           : error_response(entries.error()));
                         });
  });
}

}  // namespace

void add_admin_access_routes(router& routes, const api_context& api) {
  add_sign_in_route(routes, api);
  add_session_routes(routes, api);
  add_key_routes(routes, api);
  add_audit_routes(routes, api);
}

}  // namespace http
