#include "actors/cluster_heartbeat.hpp"

#include <spdlog/spdlog.h>

namespace actors {
namespace {

using self_ptr = cluster_heartbeat_actor::stateful_pointer<cluster_heartbeat_state>;

/// Runs `f` on the membership store, connecting first if needed; a failure
/// drops the connection (the next call makes a fresh one) and is remembered.
template <class F>
bool with_store(self_ptr self, const cluster_heartbeat_options& options, F f) {
  auto& state = self->state;
  try {
    if (!state.store) state.store = std::make_unique<cluster_heartbeat_state::session>(options.database_url);
    f(state.store->membership);
    state.last_error.clear();
    return true;
  } catch (const std::exception& e) {
    if (state.last_error.empty())
      spdlog::warn("cluster: node {} cannot reach the database: {}", options.node_name, e.what());
    state.last_error = e.what();
    state.store.reset();
    return false;
  }
}

}  // namespace

cluster_heartbeat_actor::behavior_type cluster_heartbeat_impl(self_ptr self, cluster_heartbeat_options options) {
  auto beat = [self, options] {
    with_store(self, options,
               [&](persistence::cluster_membership& m) { m.heartbeat(options.node_name, options.started_at_ms); });
    self->delayed_send(self, options.interval, tick_atom::value);
  };
  beat();  // listed before anyone asks
  return {
      [beat](tick_atom) { beat(); },
      [self, options](status_atom) {
        cluster_view view;
        view.node_name = options.node_name;
        view.started_at_ms = options.started_at_ms;
        with_store(self, options, [&](persistence::cluster_membership& m) {
          view.live_nodes = m.live_nodes(options.failover_after);
          view.singletons = m.singleton_holders(options.failover_after);
        });
        view.last_error = self->state.last_error;
        return view;
      },
  };
}

}  // namespace actors
