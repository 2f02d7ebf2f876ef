#include "http/admin_screen.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace http {
namespace {

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// A request that changes something. A browser sends these cross-site with
/// our cookie only under SameSite=Strict's rules; the CSRF header is the
/// second lock that does not depend on the browser.
bool is_write(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

void refuse_unknown(const request& head, const screen_done& done) {
  spdlog::info("admin: refused {} {} from {}: no valid credential", head.method, head.path, head.remote_address);
  done({admin_unauthorized(), {}});
}

}  // namespace

void screen_admin_request(const api_context& api, const request& head, screen_done done) {
  if (head.path == "/admin/api/session" && head.method == "POST") return done({});

  const std::string bearer = bearer_token(head);
  if (!bearer.empty()) {
    const auto& bootstrap = api.options.admin_token;
    if (!bootstrap.empty() && same(bearer, bootstrap)) return done({std::nullopt, caller{"operator", "token", ""}});
    if (bearer.rfind("ccck.", 0) != 0) return refuse_unknown(head, done);
    api.access.authenticate(
        {app::admin_credential::kind::api_key, bearer},
        [done, method = head.method, path = head.path, client = head.remote_address](
            domain::result<std::optional<app::admin_identity>> found) {
          if (!found) return done({error_response(found.error()), {}});
          if (!*found) {
            spdlog::info("admin: refused {} {} from {}: unknown or revoked API key", method, path, client);
            return done({admin_unauthorized(), {}});
          }
          done({std::nullopt, caller{found.value()->name, "api_key", ""}});
        });
    return;
  }

  const std::string cookie = cookie_value(head, session_cookie);
  if (cookie.empty()) return refuse_unknown(head, done);
  const bool write = is_write(head.method);
  const std::string csrf = head.header("x-csrf-token");
  api.access.authenticate(
      {app::admin_credential::kind::session, cookie},
      [done, write, csrf, access = &api.access, audit = audit_entry_for(head, head.method + " " + head.path, "")](
          domain::result<std::optional<app::admin_identity>> found) mutable {
        if (!found) return done({error_response(found.error()), {}});
        if (!*found) return done({admin_unauthorized(), {}});
        const auto& who = **found;
        if (write && !same(csrf, who.csrf_token)) {
          audit.actor = who.name;
          audit.outcome = 403;
          access->record(audit);
          return done({problem(problem_type::csrf_token_required,
                               "send the session's csrf_token as X-CSRF-Token with every change"),
                       {}});
        }
        done({std::nullopt, caller{who.name, "session", who.session_id}});
      });
}

}  // namespace http
