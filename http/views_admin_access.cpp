// The JSON of the back office's door: sessions, API keys, the audit log.

#include "domain/time.hpp"
#include "http/views.hpp"

namespace http::views {

using nlohmann::json;

json admin_session(const app::admin_identity& who) {
  json body = {{"name", who.name}, {"credential", who.credential}};
  if (who.credential == "session") {
    body["csrf_token"] = who.csrf_token;
    body["expires_at"] = domain::format_rfc3339(who.expires_at);
  }
  return body;
}

json api_key(const app::api_key& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"created_by", key.created_by},
          {"created_at", domain::format_rfc3339(key.created_at)},
          {"revoked_at", key.revoked_at ? json(domain::format_rfc3339(*key.revoked_at)) : json(nullptr)}};
}

json api_keys(const std::vector<app::api_key>& keys) {
  json list = json::array();
  for (const auto& key : keys) list.push_back(api_key(key));
  return {{"keys", std::move(list)}};
}

json issued_api_key(const app::issued_api_key& issued) {
  json body = api_key(issued.key);
  body["key"] = issued.secret;
  return body;
}

json audit_log(const std::vector<app::audit_entry>& entries, int limit) {
  json list = json::array();
  for (const auto& e : entries)
    list.push_back({{"id", e.id},
                    {"at", domain::format_rfc3339(e.at)},
                    {"actor", e.actor},
                    {"action", e.action},
                    {"target", e.target},
                    {"client", e.client},
                    {"outcome", e.outcome}});
  const bool full = !entries.empty() && static_cast<int>(entries.size()) == limit;
  return {{"entries", std::move(list)}, {"next_before", full ? json(entries.back().id) : json(nullptr)}};
}

}  // namespace http::views
