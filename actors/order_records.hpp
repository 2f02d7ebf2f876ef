#pragma once

// Maps an order's decisions to the rows the journal stores, and stored rows
// back to the order. The only place where domain meets persistence rows.

#include <optional>
#include <vector>

#include "domain/follow_ups.hpp"
#include "domain/order.hpp"
#include "persistence/rows.hpp"

namespace persistence {
class webhook_subscriptions;
}

namespace actors {

/// The rows one decision commits: its events, the read model, and the timers
/// and emails that follow from the events (domain::follow_ups_of). Webhook
/// payloads only for the event types `webhooks` says some endpoint wants
/// (for every type without it).
persistence::append_item make_append_item(const domain::order& before, const std::vector<domain::order_event>& events,
                                          const domain::order& after, domain::timestamp recorded_at,
                                          const domain::timer_policy& timers,
                                          const persistence::webhook_subscriptions* webhooks = nullptr);

/// Rebuilds an order from its stored events. Throws std::runtime_error on an
/// event it cannot read: a corrupt journal must stop this order loudly, never
/// be skipped over.
domain::order recover(const std::vector<persistence::stored_event>& stored);

}  // namespace actors
