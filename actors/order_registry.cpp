#include "actors/order_registry.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace actors {
namespace {

using self_ptr = order_registry_actor::stateful_pointer<order_registry_state>;

// The actor gets `passivate` behind whatever is already in its mailbox, so
// nothing routed to it before is lost; anything routed after goes to a fresh
// actor that recovers from the journal. Its down message finds no entry.
void passivate_least_recent(self_ptr self) {
  auto& st = self->state;
  auto& oldest = st.by_recency.back();
  self->send(oldest.handle, passivate_atom::value);
  ++st.stats.passivated;
  st.live.erase(oldest.id);
  st.by_actor.erase(oldest.handle.id());
  st.by_recency.pop_back();
}

order_actor find_or_spawn(self_ptr self, const domain::order_id& id, bool assume_new,
                          const order_registry_options& options, const journal_actor& journal,
                          const store_actor& store) {
  auto& st = self->state;
  const auto now = std::chrono::steady_clock::now();
  if (auto it = st.live.find(id.value()); it != st.live.end()) {
    it->second->last_used = now;
    st.by_recency.splice(st.by_recency.begin(), st.by_recency, it->second);
    return it->second->handle;
  }
  auto handle = self->spawn<caf::monitored>(
      order_actor_impl, id, order_actor_options{assume_new, options.ask_timeout, options.timers, options.webhooks},
      journal, store);
  st.by_recency.push_front(order_registry_state::entry{id.value(), handle, now});
  st.live.emplace(id.value(), st.by_recency.begin());
  st.by_actor.emplace(handle.id(), st.by_recency.begin());
  ++st.stats.spawned;
  while (st.live.size() > std::max<std::size_t>(options.max_live, 1)) passivate_least_recent(self);
  return handle;
}

}  // namespace

order_registry_state::~order_registry_state() {
  for (const auto& e : by_recency) caf::anon_send_exit(e.handle, caf::exit_reason::user_shutdown);
}

order_registry_actor::behavior_type order_registry_impl(self_ptr self, order_registry_options options,
                                                        journal_actor journal, store_actor store) {
  // One order's crash is that order's alone: it is forgotten, and the next
  // request recovers the order from its events.
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    const auto found = st.by_actor.find(msg.source.id());
    if (found == st.by_actor.end()) return;  // passivated before it stopped
    const auto entry = found->second;
    if (msg.reason) {
      ++st.stats.crashed;
      spdlog::error("order {} stopped: {}; it recovers from its events on the next request", entry->id,
                    to_string(msg.reason));
    }
    st.by_actor.erase(found);
    st.live.erase(entry->id);
    st.by_recency.erase(entry);
  });
  const auto sweep_every = std::max(std::chrono::milliseconds{50}, options.passivate_after / 4);
  self->delayed_send(self, sweep_every, sweep_atom::value);
  return {
      [=](order_request& req) {
        const bool assume_new = std::holds_alternative<domain::place_order>(req.command);
        auto target = find_or_spawn(self, req.id, assume_new, options, journal, store);
        return self->delegate(target, std::move(req));
      },
      [=](get_atom, const domain::order_id& id) {
        auto target = find_or_spawn(self, id, false, options, journal, store);
        return self->delegate(target, get_atom::value);
      },
      [=](status_atom) {
        auto stats = self->state.stats;
        stats.live_orders = self->state.live.size();
        return stats;
      },
      [=](sweep_atom) {
        // The idle are at the back: the sweep stops at the first one in use.
        const auto cutoff = std::chrono::steady_clock::now() - options.passivate_after;
        auto& by_recency = self->state.by_recency;
        while (!by_recency.empty() && by_recency.back().last_used < cutoff) passivate_least_recent(self);
        self->delayed_send(self, sweep_every, sweep_atom::value);
      },
  };
}

}  // namespace actors
