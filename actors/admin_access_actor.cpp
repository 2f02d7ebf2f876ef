#include "actors/admin_access_actor.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "actors/errors.hpp"
#include "persistence/connection.hpp"

namespace actors {
namespace {

struct access_session {
  access_session(const std::string& url, std::shared_ptr<const sealing::vault> vault, const admin_policy& policy)
      : db(url), accounts(store, std::move(vault), policy) {}
  persistence::connection db;
  persistence::admin_store store{db};
  admin_accounts accounts;
};

domain::timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace

admin_access_actor::behavior_type admin_access_impl(admin_access_actor::pointer, std::string url,
                                                    std::shared_ptr<const sealing::vault> vault, admin_policy policy) {
  auto session = std::make_shared<std::unique_ptr<access_session>>();
  // Runs `f` on a connected session; a failure drops the connection (the
  // next call reconnects) and answers `unavailable`.
  auto with = [session, url, vault, policy](auto f) -> decltype(f(std::declval<admin_accounts&>())) {
    try {
      if (!*session) *session = std::make_unique<access_session>(url, vault, policy);
      return f((*session)->accounts);
    } catch (const std::exception& e) {
      session->reset();
      spdlog::warn("admin access: {}", e.what());
      return to_caf_error(domain::make_error(domain::error_code::unavailable, "the database is unavailable"));
    }
  };
  return {
      [with](sign_in_atom, const app::sign_in_attempt& attempt) -> caf::result<app::admin_session> {
        return with([&](admin_accounts& a) -> caf::result<app::admin_session> {
          auto signed_in = a.sign_in(attempt, now());
          if (!signed_in) return to_caf_error(signed_in.error());
          return std::move(signed_in.value());
        });
      },
      [with](auth_atom, const app::admin_credential& credential) -> caf::result<std::optional<app::admin_identity>> {
        return with([&](admin_accounts& a) -> caf::result<std::optional<app::admin_identity>> {
          return a.authenticate(credential, now());
        });
      },
      [with](sign_out_atom, const std::string& id) -> caf::result<bool> {
        return with([&](admin_accounts& a) -> caf::result<bool> { return a.sign_out(id); });
      },
      [with](issue_atom, const std::string& name, const std::string& by) -> caf::result<app::issued_api_key> {
        return with([&](admin_accounts& a) -> caf::result<app::issued_api_key> {
          return a.issue_api_key(name, by, now());
        });
      },
      [with](keys_atom) -> caf::result<std::vector<app::api_key>> {
        return with([&](admin_accounts& a) -> caf::result<std::vector<app::api_key>> { return a.api_keys(); });
      },
      [with](revoke_atom, const std::string& id) -> caf::result<bool> {
        return with([&](admin_accounts& a) -> caf::result<bool> { return a.revoke_api_key(id); });
      },
      [with](audit_atom, const app::audit_entry& entry) {
        auto stored = with([&](admin_accounts& a) -> caf::result<bool> {
          a.record({entry});
          return true;
        });
        if (stored.flag != caf::rt_value)
          spdlog::error("audit: could not store {} by {} on {} ({})", entry.action, entry.actor, entry.target,
                        entry.outcome);
      },
      [with](audit_atom, const app::audit_query& query) -> caf::result<std::vector<app::audit_entry>> {
        return with(
            [&](admin_accounts& a) -> caf::result<std::vector<app::audit_entry>> { return a.audit_log(query); });
      },
  };
}

}  // namespace actors
