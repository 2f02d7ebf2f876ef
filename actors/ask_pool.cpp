#include "actors/ask_pool.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <array>
#include <atomic>

#include "actors/messages.hpp"

namespace actors {
namespace {

constexpr std::array<caf::atom_value, ask_bridges> bridge_names{caf::atom("ccc.ask0"), caf::atom("ccc.ask1"),
                                                                caf::atom("ccc.ask2"), caf::atom("ccc.ask3")};

std::atomic<std::size_t> turn{0};

// Times out what is past its deadline; ticks again while anything is left.
void look_at_deadlines(ask_bridge* self) {
  auto& st = self->state;
  st.ticks.arrived();
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::function<void()>> expired;
  for (auto it = st.asks.begin(); it != st.asks.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second.expire));
      it = st.asks.erase(it);
    } else {
      ++it;
    }
  }
  st.ticks.keep_going(self, !st.asks.empty(), ask_tick);
  for (auto& expire : expired) expire();  // last: a callback may ask again
}

caf::behavior bridge_impl(ask_bridge* self) {
  return {
      [self](ask_job& job) {
        job.run(self);
        self->state.ticks.keep_going(self, !self->state.asks.empty(), ask_tick);
      },
      [self](tick_atom) { look_at_deadlines(self); },
  };
}

}  // namespace

std::uint64_t ask_bridge_state::expect(std::chrono::milliseconds timeout, std::function<void()> expire) {
  const auto id = next_id++;
  asks.emplace(id, outstanding{std::chrono::steady_clock::now() + timeout, std::move(expire)});
  return id;
}

void start_ask_pool(caf::actor_system& system) {
  for (const auto name : bridge_names) system.registry().put(name, system.spawn<caf::hidden>(bridge_impl));
}

void stop_ask_pool(caf::actor_system& system) {
  for (const auto name : bridge_names) {
    if (auto bridge = system.registry().get<caf::actor>(name))
      caf::anon_send_exit(bridge, caf::exit_reason::user_shutdown);
    system.registry().erase(name);
  }
}

caf::actor next_ask_bridge(caf::actor_system& system) {
  return system.registry().get<caf::actor>(bridge_names[turn++ % ask_bridges]);
}

}  // namespace actors
