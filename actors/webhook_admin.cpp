#include "actors/webhook_admin.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <stdexcept>

#include "actors/errors.hpp"
#include "domain/webhook.hpp"
#include "persistence/connection.hpp"
#include "persistence/webhook_store.hpp"

namespace actors {
namespace {

std::vector<unsigned char> random_bytes(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) throw std::runtime_error("no random bytes");
  return bytes;
}

// A version 4 UUID: the endpoint's id, which its secret is sealed for.
std::string random_uuid() {
  auto b = random_bytes(16);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text;
}

struct admin_session {
  admin_session(const std::string& url, const std::shared_ptr<const sealing::vault>& vault)
      : db(url), hooks(db, vault) {}
  persistence::connection db;
  persistence::webhook_store hooks;
};

}  // namespace

webhook_admin_actor::behavior_type webhook_admin_impl(
    webhook_admin_actor::pointer, std::string url, std::shared_ptr<const sealing::vault> vault,
    std::shared_ptr<persistence::webhook_subscriptions> subscriptions) {
  // Connected lazily and again after a failure, like the store readers.
  auto store = std::make_shared<std::unique_ptr<admin_session>>();
  auto with_store = [store, url, vault](auto&& work) -> decltype(work(std::declval<admin_session&>())) {
    try {
      if (!*store) *store = std::make_unique<admin_session>(url, vault);
      return work(**store);
    } catch (const std::exception& e) {
      spdlog::error("webhooks: {}", e.what());
      store->reset();
      return to_caf_error(domain::make_error(domain::error_code::unavailable, "the database is unavailable"));
    }
  };
  auto refresh = [subscriptions](admin_session& s) { subscriptions->replace(s.hooks.subscribed_types()); };
  return {
      [with_store, refresh](issue_atom,
                            persistence::webhook_endpoint_row& endpoint) -> caf::result<registered_endpoint> {
        return with_store([&](admin_session& s) -> caf::result<registered_endpoint> {
          endpoint.id = random_uuid();
          const auto secret = domain::webhook_secret_text(random_bytes(32));
          s.hooks.add_endpoint(endpoint, secret);
          refresh(s);
          return registered_endpoint{endpoint, secret};
        });
      },
      [with_store](list_atom) -> caf::result<std::vector<persistence::webhook_endpoint_row>> {
        return with_store([&](admin_session& s) -> caf::result<std::vector<persistence::webhook_endpoint_row>> {
          return s.hooks.endpoints();
        });
      },
      [with_store, refresh](revoke_atom, const std::string& id) -> caf::result<bool> {
        return with_store([&](admin_session& s) -> caf::result<bool> {
          const bool deleted = s.hooks.delete_endpoint(id);
          refresh(s);
          return deleted;
        });
      },
      [with_store](list_atom, const std::string& state,
                   int limit) -> caf::result<std::vector<persistence::webhook_delivery_row>> {
        return with_store([&](admin_session& s) -> caf::result<std::vector<persistence::webhook_delivery_row>> {
          return s.hooks.deliveries(state, limit);
        });
      },
      [with_store](retry_atom, const std::string& id) -> caf::result<bool> {
        return with_store([&](admin_session& s) -> caf::result<bool> { return s.hooks.redeliver(id); });
      },
  };
}

}  // namespace actors
