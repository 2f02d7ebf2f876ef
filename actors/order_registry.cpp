#include "actors/order_registry.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace actors {
namespace {

using self_ptr = order_registry_actor::stateful_pointer<order_registry_state>;

order_actor find_or_spawn(self_ptr self, const domain::order_id& id, bool assume_new,
                          const order_registry_options& options, const journal_actor& journal,
                          const store_actor& store) {
  auto& live = self->state.live;
  const auto now = std::chrono::steady_clock::now();
  if (auto it = live.find(id.value()); it != live.end()) {
    it->second.last_used = now;
    return it->second.handle;
  }
  auto handle = self->spawn<caf::linked>(
      order_actor_impl, id, order_actor_options{assume_new, options.ask_timeout, options.timers}, journal, store);
  live.emplace(id.value(), order_registry_state::entry{handle, now});
  ++self->state.stats.spawned;
  return handle;
}

}  // namespace

order_registry_actor::behavior_type order_registry_impl(self_ptr self, order_registry_options options,
                                                        journal_actor journal, store_actor store) {
  // Order actors are linked: they go down with the registry, so a restarted
  // registry never leaves a second writer for an order behind. Their exits
  // are trapped here: one order's crash is that order's alone.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& live = self->state.live;
    for (auto it = live.begin(); it != live.end(); ++it) {
      if (it->second.handle.address() == msg.source) {
        if (msg.reason) {
          ++self->state.stats.crashed;
          spdlog::error("order {} stopped: {}; it recovers from its events on the next request", it->first,
                        to_string(msg.reason));
        }
        live.erase(it);
        return;
      }
    }
    // Not one of ours: our supervisor (or the system) stops us.
    self->quit(msg.reason);
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
        // Passivation: the actor gets `passivate` behind whatever is already
        // in its mailbox, so nothing routed to it before is lost; anything
        // routed after goes to a fresh actor that recovers from the journal.
        const auto cutoff = std::chrono::steady_clock::now() - options.passivate_after;
        auto& live = self->state.live;
        for (auto it = live.begin(); it != live.end();) {
          if (it->second.last_used < cutoff) {
            self->unlink_from(it->second.handle);
            self->send(it->second.handle, passivate_atom::value);
            ++self->state.stats.passivated;
            it = live.erase(it);
          } else {
            ++it;
          }
        }
        self->delayed_send(self, sweep_every, sweep_atom::value);
      },
  };
}

}  // namespace actors
