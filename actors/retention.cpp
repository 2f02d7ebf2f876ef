#include "actors/retention.hpp"

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "actors/clock.hpp"
#include "actors/errors.hpp"

namespace actors {
namespace {

using self_ptr = retention_actor::stateful_pointer<retention_state>;

/// One run's position and what it needs to go on.
struct run_context {
  retention_options options;
  store_actor store;
  order_registry_actor registry;
  std::int64_t customers_closed_before_ms = 0;
  std::int64_t analytics_before_ms = 0;
};

void finish(self_ptr self, const std::shared_ptr<const run_context>& run) {
  auto& stats = self->state.stats;
  ++stats.runs;
  stats.next_run_ms = domain::to_unix_ms(wall_clock_now()) + run->options.interval.count();
  self->state.running = false;
  self->delayed_send(self, run->options.interval, tick_atom::value);
}

void fail(self_ptr self, const std::shared_ptr<const run_context>& run, const caf::error& e) {
  self->state.stats.last_error = to_string(e);
  spdlog::warn("retention: run cut short ({}); the next run goes on", to_string(e));
  finish(self, run);
}

void fold_analytics(self_ptr self, const std::shared_ptr<const run_context>& run) {
  self->request(run->store, run->options.ask_timeout, fold_atom::value, run->analytics_before_ms)
      .then(
          [self, run](std::int64_t folded) {
            self->state.stats.analytics_days_folded += static_cast<std::uint64_t>(folded);
            finish(self, run);
          },
          [self, run](caf::error& e) { fail(self, run, e); });
}

void erase_page(self_ptr self, const std::shared_ptr<const run_context>& run, std::int64_t after_ms,
                std::string after_id) {
  self->request(run->store, run->options.ask_timeout, retention_atom::value, run->customers_closed_before_ms, after_ms,
                std::move(after_id), run->options.page)
      .then(
          [self, run](std::vector<persistence::retention_candidate>& page) {
            if (page.empty()) return fold_analytics(self, run);
            const auto last = page.back();
            auto remaining = std::make_shared<std::size_t>(page.size());
            auto one_done = [self, run, remaining, last] {
              if (--*remaining == 0) erase_page(self, run, last.closed_at_ms, last.order_id);
            };
            for (const auto& candidate : page) {
              order_request req{domain::order_id{candidate.order_id},
                                domain::erase_personal_data{domain::actor_role::system, wall_clock_now()}, std::nullopt,
                                std::nullopt};
              self->request(run->registry, run->options.ask_timeout, std::move(req))
                  .then(
                      [self, one_done](order_reply& reply) {
                        if (reply.order.customer_erased_at) ++self->state.stats.customers_erased;
                        one_done();
                      },
                      [self, one_done, candidate](caf::error& e) {
                        if (to_domain_error(e).code == domain::error_code::money_owed) {
                          ++self->state.stats.money_owed;
                        } else {
                          ++self->state.stats.failed;
                          spdlog::warn("retention: order {} not erased ({}); tried again next run", candidate.order_id,
                                       to_string(e));
                        }
                        one_done();
                      });
            }
          },
          [self, run](caf::error& e) { fail(self, run, e); });
}

}  // namespace

retention_actor::behavior_type retention_impl(retention_actor::stateful_pointer<retention_state> self,
                                              retention_options options, store_actor store,
                                              order_registry_actor registry) {
  self->state.stats.retain_customer_data_for_ms = options.retain_customer_data_for.count();
  self->state.stats.retain_analytics_for_ms = options.retain_analytics_for.count();
  self->send(self, tick_atom::value);  // once at start-up
  return {
      [self, options, store, registry](tick_atom) {
        if (self->state.running) return;
        self->state.running = true;
        const auto now = domain::to_unix_ms(wall_clock_now());
        self->state.stats.last_run_ms = now;
        self->state.stats.last_error.clear();
        auto run = std::make_shared<const run_context>(run_context{options, store, registry,
                                                                   now - options.retain_customer_data_for.count(),
                                                                   now - options.retain_analytics_for.count()});
        erase_page(self, run, 0, "");
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
