#pragma once

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "persistence/singleton_lease.hpp"

namespace actors {

/// How to run the guarded singleton: `start` spawns it and publishes its
/// handle (the guard links to what it returns); `stop` withdraws the handle
/// once it no longer runs here.
struct guarded_singleton {
  std::string name;  // "retention", "watcher_XMR": the lease's key, shown on /admin/api/system
  std::function<caf::actor()> start;
  std::function<void()> stop;
};

struct singleton_guard_options {
  std::string node_name;
  std::string database_url;
  std::chrono::milliseconds check_interval{2000};  // how often the lease is taken or checked
};

struct singleton_guard_state {
  std::unique_ptr<persistence::singleton_lease> lease;
  caf::actor running;  // the singleton while this node holds the lease
  static inline const char* name = "singleton_guard";
};

/// Runs a per-shop singleton on exactly one node: every `check_interval` it
/// asks for the singleton's lease (a session advisory lock on a connection of
/// its own) and starts the singleton on winning; while it runs, it checks the
/// lock is still held and stops the singleton the moment it is not (the
/// connection broke: another node may hold it now). A node alone wins at once
/// and behaves as if there were no lease. Guard and singleton are linked: a
/// singleton that fails takes its guard down, so the supervisor restarts both
/// and the lock is free for any node meanwhile; a guard that is stopped stops
/// its singleton. Detached: the lease blocks on the database.
singleton_guard_actor::behavior_type singleton_guard_impl(
    singleton_guard_actor::stateful_pointer<singleton_guard_state> self, singleton_guard_options options,
    guarded_singleton singleton);

}  // namespace actors
