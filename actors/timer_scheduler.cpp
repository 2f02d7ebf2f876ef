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

void deliver(self_ptr self, const timer_scheduler_options& options, const store_actor& store,
             const order_registry_actor& registry, std::vector<persistence::due_timer> due) {
  if (due.empty()) {
    self->state.polling = false;
    return;
  }
  const bool full_batch = static_cast<int>(due.size()) >= options.batch;
  // What this batch has settled, released in one statement once every order
  // of the batch has answered.
  struct batch_progress {
    std::size_t remaining;
    std::vector<persistence::due_timer> settled;
  };
  auto progress = std::make_shared<batch_progress>(batch_progress{due.size(), {}});
  auto one_done = [self, options, store, registry, full_batch, progress] {
    --self->state.stats.in_flight;
    if (--progress->remaining > 0) return;
    if (!progress->settled.empty())
      self->request(store, options.ask_timeout, release_atom::value, std::move(progress->settled))
          .then([](bool) {},
                [](caf::error& e) {
                  // Not fatal: the leases run out and the orders answer again, a no-op.
                  spdlog::warn("timers: release failed: {}", to_string(e));
                });
    self->state.polling = false;
    // A full batch means more are probably due: look again at once.
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
}

/// One look for due timers; a look already running is not doubled (its end
/// starts the next one when the batch was full).
void poll(self_ptr self, const timer_scheduler_options& options, const store_actor& store,
          const order_registry_actor& registry) {
  if (self->state.polling) return;
  self->state.polling = true;
  self->request(store, options.ask_timeout, claim_atom::value, options.batch,
                static_cast<std::int64_t>(options.lease.count()))
      .then(
          [self, options, store, registry](std::vector<persistence::due_timer>& due) {
            self->state.stats.claimed += due.size();
            deliver(self, options, store, registry, std::move(due));
          },
          [self](caf::error& err) {
            self->state.polling = false;
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
