#pragma once

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "supervision/supervisor_interface.hpp"

namespace supervision {

/// One service the supervisor keeps alive. `start` spawns it (and publishes its
/// handle to whoever needs it) and returns the handle to watch.
struct child_spec {
  std::string name;
  std::function<caf::actor()> start;
};

struct restart_policy {
  int max_restarts = 5;                                        // within `window` ...
  std::chrono::milliseconds window{std::chrono::seconds{60}};  // ... else the child is failed
  std::chrono::milliseconds initial_backoff{100};              // doubles per recent restart
  std::chrono::milliseconds max_backoff{std::chrono::seconds{10}};
};

struct supervisor_state {
  struct child {
    child_spec spec;
    caf::actor handle;
    child_status status;
    std::vector<std::chrono::steady_clock::time_point> recent_restarts;
  };
  std::vector<child> children;
  restart_policy policy;
  static inline const char* name = "supervisor";

  supervisor_state() = default;
  supervisor_state(const supervisor_state&) = delete;
  supervisor_state& operator=(const supervisor_state&) = delete;
  /// Stops the children still running: children go down with their
  /// supervisor. Here and not in an attached functor, because CAF destroys
  /// the state (on_exit) before it runs the functors attached to the actor.
  ~supervisor_state();
};

/// Rest-for-one: children start in order and each may depend on the ones
/// before it; when one dies it is restarted after a backoff together with every
/// child after it (they hold its old handle). Too many restarts in the window
/// and the child is marked failed: the tree is unhealthy, /readyz says so.
supervisor_actor::behavior_type supervisor_impl(
    supervisor_actor::stateful_pointer<supervisor_state> self, std::vector<child_spec> children,
    restart_policy policy);

}  // namespace supervision
