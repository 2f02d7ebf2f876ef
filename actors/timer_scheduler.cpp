#include "actors/timer_scheduler.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "actors/clock.hpp"
#include "actors/errors.hpp"

namespace actors {
namespace {

using self_ptr = timer_scheduler_actor::stateful_pointer<timer_scheduler_state>;

/// Whether the timer is done with: the order answered (it decided), or the
/// answer can never change (no such order, a corrupt one). Only a passing
/// failure (timeout, database away) leaves the timer to its lease.
bool settled(const caf::error& err) {
  const auto code = to_domain_error(err).code;
  return code != domain::error_code::unavailable && code != domain::error_code::conflict;
}

void poll(self_ptr self, const timer_scheduler_options& options, const store_actor& store,
          const order_registry_actor& registry);

/// Batches claimed and not yet answered by all their orders, at most: one
/// being delivered while the next is claimed and delivered behind it.
constexpr int max_batches_in_flight = 2;

void deliver(self_ptr self, const timer_scheduler_options& options, const store_actor& store,
             const order_registry_actor& registry, std::vector<persistence::due_timer> due) {
  const bool full_batch = static_cast<int>(due.size()) >= options.batch;
  // What this batch has settled, released in one statement once every order
  // of the batch has answered.
  struct batch_progress {
    std::size_t remaining;
    std::vector<persistence::due_timer> settled;
  };
  auto progress = std::make_shared<batch_progress>(batch_progress{due.size(), {}});
  ++self->state.batches_in_flight;
  auto one_done = [self, options, store, registry, full_batch, progress] {
    --self->state.stats.in_flight;
    if (--progress->remaining > 0) return;
    --self->state.batches_in_flight;
    if (!progress->settled.empty())
      self->request(store, options.ask_timeout, release_atom::value, std::move(progress->settled))
          .then([](bool) {},
                [](caf::error& e) {
                  // Not fatal: the leases run out and the orders answer again, a no-op.
                  spdlog::warn("timers: release failed: {}", to_string(e));
                });
    if (full_batch) poll(self, options, store, registry);
  };
  for (auto& timer : due) {
    auto kind = domain::parse_timer_kind(timer.kind);
    ++self->state.stats.in_flight;
    if (!kind) {  // written by a newer version of the engine: leave it be
      spdlog::warn("timers: unknown kind '{}' for order {}", timer.kind, timer.order_id);
      one_done();
      continue;
    }
    order_request req{domain::order_id{timer.order_id}, domain::fire_timer{*kind, wall_clock_now()}, std::nullopt,
                      std::nullopt};
    self->request(registry, options.ask_timeout, std::move(req))
        .then(
            [self, progress, one_done, timer](order_reply&) {
              ++self->state.stats.delivered;
              progress->settled.push_back(timer);
              one_done();
            },
            [self, progress, one_done, timer](caf::error& err) {
              if (settled(err)) {
                ++self->state.stats.delivered;
                progress->settled.push_back(timer);
              } else {
                ++self->state.stats.failed;
                spdlog::warn("timers: {} for order {} not delivered ({}); retried after its lease", timer.kind,
                             timer.order_id, to_string(err));
              }
              one_done();
            });
  }
  // More are probably due: claim them while this batch is delivered.
  if (full_batch) poll(self, options, store, registry);
}

/// One look for due timers, unless a look is running (it is not doubled) or
/// as many batches as allowed are in flight (the last to finish looks again
/// when it was full; the tick otherwise).
void poll(self_ptr self, const timer_scheduler_options& options, const store_actor& store,
          const order_registry_actor& registry) {
  if (self->state.claiming || self->state.batches_in_flight >= max_batches_in_flight) return;
  self->state.claiming = true;
  self->request(store, options.ask_timeout, claim_atom::value, options.batch,
                static_cast<std::int64_t>(options.lease.count()))
      .then(
          [self, options, store, registry](std::vector<persistence::due_timer>& due) {
            self->state.claiming = false;
            self->state.stats.claimed += due.size();
            if (!due.empty()) deliver(self, options, store, registry, std::move(due));
          },
          [self](caf::error& err) {
            self->state.claiming = false;
            spdlog::warn("timers: could not claim due timers: {}", to_string(err));
          });
}

}  // namespace

timer_scheduler_actor::behavior_type timer_scheduler_impl(self_ptr self, timer_scheduler_options options,
                                                          store_actor store, order_registry_actor registry) {
  self->delayed_send(self, options.poll_interval, tick_atom::value);
  return {
      [self, options, store, registry](tick_atom) {
        self->delayed_send(self, options.poll_interval, tick_atom::value);
        poll(self, options, store, registry);
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
