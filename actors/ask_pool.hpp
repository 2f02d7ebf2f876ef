#pragma once

// A few long-lived actors that ask on behalf of threads outside CAF (see
// ask.hpp). Spawning an actor per ask cost every checkout an actor's birth and
// end, and two wake-ups of CAF's clock thread: one for the request's timeout,
// one when the actor ended and its timeouts were cancelled (CAF 0.17's clock
// runs on a thread of its own and is woken for each). A bridge of the pool
// sends its requests without a CAF timeout and keeps the deadlines itself,
// checked by one tick every ask_tick while any ask is outstanding
// (docs/PERFORMANCE.md, "Asks without an actor each").

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "actors/deadline_ticks.hpp"

namespace actors {

/// What a bridge knows about the asks it sent and that are not answered yet.
struct ask_bridge_state {
  struct outstanding {
    std::chrono::steady_clock::time_point deadline;
    std::function<void()> expire;  ///< tells the asker its ask timed out
  };
  std::unordered_map<std::uint64_t, outstanding> asks;
  std::uint64_t next_id = 1;
  deadline_ticks ticks;

  /// Remembers an ask sent now; returns the id its answer settles.
  std::uint64_t expect(std::chrono::milliseconds timeout, std::function<void()> expire);
  /// Forgets an ask that was answered before its deadline; its record owned
  /// the callbacks, which the answer's handler holds until it returns.
  void settle(std::uint64_t id) { asks.erase(id); }
};

using ask_bridge = caf::stateful_actor<ask_bridge_state>;

/// A piece of work for a bridge: it sends one request from inside the bridge.
struct ask_job {
  std::function<void(ask_bridge*)> run;
};

/// How often a bridge looks for asks past their deadline: a timeout fires up
/// to this much late.
constexpr std::chrono::milliseconds ask_tick{50};

/// Bridges in a pool: asks are spread over them in turn, so one bridge busy
/// with an answer's callback holds up no other ask.
constexpr std::size_t ask_bridges = 4;

/// Starts the bridges for `system` (hidden actors: the system does not wait
/// for them at shutdown) and names them in its registry, where ask_within
/// finds them. Until then, or after stop_ask_pool, ask_within spawns an actor
/// per ask.
void start_ask_pool(caf::actor_system& system);
void stop_ask_pool(caf::actor_system& system);

/// One of the bridges, in turn; an invalid handle when none runs.
caf::actor next_ask_bridge(caf::actor_system& system);

}  // namespace actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actors::ask_job)
