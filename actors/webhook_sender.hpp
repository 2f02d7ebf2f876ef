#pragma once

#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "config/config.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "sealing/vault.hpp"

namespace actors {

struct webhook_sender_options {
  config::webhooks_config webhooks;
  std::string database_url;
  std::shared_ptr<const sealing::vault> vault;  // opens the endpoints' secrets
  // Refreshed every poll, for the journal (endpoints other nodes added).
  std::shared_ptr<persistence::webhook_subscriptions> subscriptions;
};

/// Delivers due webhooks: claims them with a lease (so each attempt goes out
/// from one node), signs each as Standard Webhooks has it and POSTs it; a 2xx
/// is delivered, anything else is tried again after webhooks.retry_after,
/// doubling to webhooks.retry_max, until webhooks.give_up_after makes it
/// failed. An endpoint that opted in to personal data gets its customer's,
/// read on the webhook path and opened just before the POST, in memory only.
///
/// The actor (detached) claims and records on its own connection; the POSTs
/// run on webhooks.senders threads of its own, each working for one endpoint
/// at a time, so a slow or hanging receiver holds up its own deliveries and
/// no other endpoint's. A claim passes over the endpoints being sent to, and
/// gives back what finds no free thread. Every attempt is recorded after its
/// POST; a crash in between sends it again under the same webhook-id.
webhook_sender_actor::behavior_type webhook_sender_impl(webhook_sender_actor::pointer self,
                                                        webhook_sender_options options);

}  // namespace actors
