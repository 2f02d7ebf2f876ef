#pragma once

#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "persistence/webhook_subscriptions.hpp"
#include "sealing/vault.hpp"

namespace actors {

/// The owner's webhook endpoints and the delivery lists, on its own
/// connection. Detached: the database blocks its own thread only. A new
/// endpoint gets a random id and a random secret (whsec_ + 32 bytes), sealed
/// for its id; this node's journal sees a change of endpoints at once
/// (`subscriptions`), other nodes' within webhooks.poll_interval.
webhook_admin_actor::behavior_type webhook_admin_impl(
    webhook_admin_actor::pointer self, std::string database_url, std::shared_ptr<const sealing::vault> vault,
    std::shared_ptr<persistence::webhook_subscriptions> subscriptions);

}  // namespace actors
