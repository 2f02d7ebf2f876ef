#include "actors/singleton_guard.hpp"

#include <caf/exit_reason.hpp>
#include <spdlog/spdlog.h>

namespace actors {
namespace {

using self_ptr = singleton_guard_actor::stateful_pointer<singleton_guard_state>;

void start_singleton(self_ptr self, const singleton_guard_options& options, const guarded_singleton& singleton) {
  self->state.running = singleton.start();
  self->link_to(self->state.running);
  spdlog::info("cluster: node {} holds {} and runs it", options.node_name, singleton.name);
}

void stop_singleton(self_ptr self, const singleton_guard_options& options, const guarded_singleton& singleton,
                    const std::string& why) {
  auto& running = self->state.running;
  // Unlinked first: its exit must not take the guard with it.
  self->unlink_from(running);
  self->send_exit(running, caf::exit_reason::user_shutdown);
  running = nullptr;
  singleton.stop();
  spdlog::warn("cluster: node {} lost {} ({}); stopped it here", options.node_name, singleton.name, why);
}

void look(self_ptr self, const singleton_guard_options& options, const guarded_singleton& singleton) {
  auto& state = self->state;
  if (state.running) {
    if (!state.lease->still_held())
      stop_singleton(self, options, singleton,
                     state.lease->last_error().empty() ? "the lock is gone" : state.lease->last_error());
  } else if (state.lease->try_acquire()) {
    start_singleton(self, options, singleton);
  }
}

}  // namespace

singleton_guard_actor::behavior_type singleton_guard_impl(self_ptr self, singleton_guard_options options,
                                                          guarded_singleton singleton) {
  self->state.lease =
      std::make_unique<persistence::singleton_lease>(options.database_url, singleton.name, options.node_name);
  // The linked singleton goes down with the guard; its handle must not
  // outlive it in the directory.
  self->attach_functor([stop = singleton.stop] { stop(); });
  // The first try before any message: a node that starts alone runs its
  // singletons before anyone can ask it (engine start-up waits for this).
  look(self, options, singleton);
  self->delayed_send(self, options.check_interval, tick_atom::value);
  return {
      [self, options, singleton](tick_atom) {
        look(self, options, singleton);
        self->delayed_send(self, options.check_interval, tick_atom::value);
      },
      [self](status_atom) { return static_cast<bool>(self->state.running); },
  };
}

}  // namespace actors
