#include "actors/webhook_sender.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

#include "actors/clock.hpp"
#include "domain/webhook.hpp"
#include "net/webhook_post.hpp"
#include "persistence/connection.hpp"
#include "persistence/webhook_store.hpp"

namespace actors {
namespace {

struct sender_core {
  webhook_sender_options options;
  struct session {
    session(const std::string& url, const std::shared_ptr<const sealing::vault>& vault) : db(url), hooks(db, vault) {}
    persistence::connection db;
    persistence::webhook_store hooks;
  };
  std::unique_ptr<session> store;

  session& db() {
    if (!store) store = std::make_unique<session>(options.database_url, options.vault);
    return *store;
  }

  // Long enough for a whole batch of attempts that each run into the timeout.
  std::chrono::milliseconds lease() const {
    return options.webhooks.timeout * (options.webhooks.batch + 1) + std::chrono::seconds{30};
  }

  /// One attempt; the error is "" when the receiver took it (2xx).
  net::webhook_answer attempt(const persistence::webhook_delivery_row& d) const {
    const bool allow_private = options.webhooks.allow_private_targets;
    // Checked again on every attempt: the setting may have changed since the
    // endpoint was registered.
    const auto target = domain::check_webhook_target(d.url, allow_private);
    if (!target) return {0, target.error().detail};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(wall_clock_now().time_since_epoch()).count();
    const auto signature = domain::webhook_signature(d.secret, d.id, now, d.payload_json);
    if (!signature) return {0, "the endpoint's secret cannot be opened with this shop's keys"};
    net::webhook_request request;
    request.url = d.url;
    request.body = d.payload_json;
    request.timeout = options.webhooks.timeout;
    request.headers = {{"content-type", "application/json"},
                       {"webhook-id", d.id},
                       {"webhook-timestamp", std::to_string(now)},
                       {"webhook-signature", *signature}};
    if (!allow_private)
      request.may_connect = [](const std::string& address) { return !domain::is_private_address(address); };
    return net::post_webhook(request);
  }

  void settle(const persistence::webhook_delivery_row& d, const net::webhook_answer& answer) {
    try {
      if (answer.error.empty()) {
        db().hooks.mark_delivered({d.id}, answer.status);
        return;
      }
      const auto wait =
          domain::webhook_backoff(d.attempts + 1, options.webhooks.retry_after, options.webhooks.retry_max);
      spdlog::warn("webhooks: {} of order {} to endpoint {} not delivered (attempt {}): {}", d.event_type, d.order_id,
                   d.endpoint_id, d.attempts + 1, answer.error);
      if (db().hooks.mark_failed(d.id, answer.status, answer.error, wait, options.webhooks.give_up_after))
        spdlog::error("webhooks: delivery {} to endpoint {} failed after {} attempt(s)", d.id, d.endpoint_id,
                      d.attempts + 1);
    } catch (const std::exception& e) {
      store.reset();  // the lease runs out and the delivery is tried again, under the same webhook-id
      spdlog::warn("webhooks: could not record delivery {}: {}", d.id, e.what());
    }
  }

  /// One look at the deliveries; true when there may be more due at once (a
  /// full batch, or an order's next event freed by one delivered now).
  bool run_once() {
    std::vector<persistence::webhook_delivery_row> due;
    try {
      options.subscriptions->replace(db().hooks.subscribed_types());
      due = db().hooks.claim_deliveries(options.webhooks.batch, lease());
    } catch (const std::exception& e) {
      store.reset();
      spdlog::warn("webhooks: cannot read the deliveries: {}", e.what());
      return false;
    }
    bool delivered = false;
    for (const auto& d : due) {
      const auto answer = attempt(d);
      delivered = delivered || answer.error.empty();
      settle(d, answer);
    }
    return delivered || static_cast<int>(due.size()) >= options.webhooks.batch;
  }
};

}  // namespace

webhook_sender_actor::behavior_type webhook_sender_impl(webhook_sender_actor::pointer self,
                                                        webhook_sender_options options) {
  auto core = std::make_shared<sender_core>(sender_core{std::move(options), nullptr});
  self->send(self, tick_atom::value);
  return {
      [self, core](tick_atom) {
        if (core->run_once())
          self->send(self, tick_atom::value);
        else
          self->delayed_send(self, core->options.webhooks.poll_interval, tick_atom::value);
      },
  };
}

}  // namespace actors
