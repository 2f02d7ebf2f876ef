#include "actors/chain_watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "actors/clock.hpp"
#include "actors/errors.hpp"

namespace actors {
namespace {

// A chain source that stays down is asked less and less often, at most this seldom.
constexpr std::chrono::milliseconds max_watcher_backoff{30000};

told_outcome outcome_of(payment_disposition::kind_t kind) {
  switch (kind) {
    case payment_disposition::awaiting:
      return told_outcome::awaiting;
    case payment_disposition::matched:
      return told_outcome::counted;
    case payment_disposition::duplicate:
      return told_outcome::duplicate;
    default:
      return told_outcome::exception;
  }
}

void record_poll_reached(watcher_stats& stats, int& failures_in_a_row, const chain_reading& reading,
                         std::size_t followed, domain::timestamp now) {
  stats.up = true;
  stats.height = reading.height;
  stats.addresses = reading.addresses;
  stats.followed = followed;
  stats.last_poll_ms = domain::to_unix_ms(now);
  ++stats.polls;
  failures_in_a_row = 0;
}

// Logged once per outage, not once per poll.
void record_poll_failed(watcher_stats& stats, int& failures_in_a_row, const char* source, const std::string& error) {
  if (stats.up || failures_in_a_row == 0) spdlog::warn("{} watcher: {} cannot be read: {}", stats.coin, source, error);
  stats.up = false;
  stats.last_error = error;
  ++stats.failures;
  ++failures_in_a_row;
}

}  // namespace

std::chrono::milliseconds watcher_backoff(std::chrono::milliseconds poll, int failures_in_a_row) {
  auto delay = poll;
  for (int i = 1; i < failures_in_a_row && delay < max_watcher_backoff; ++i) delay *= 2;
  return std::min(delay, std::max(poll, max_watcher_backoff));
}

chain_watcher_actor::behavior_type chain_watcher_impl(chain_watcher_actor::stateful_pointer<chain_watcher_state> self,
                                                      chain_watcher_options options,
                                                      std::shared_ptr<chain_source> source,
                                                      payment_matcher_actor matcher, order_registry_actor registry) {
  self->state.stats.coin = options.coin;
  self->state.source = std::move(source);
  self->send(self, tick_atom::value);

  auto poll_again = [self, options](bool reached) {
    const auto delay =
        reached ? options.poll_interval : watcher_backoff(options.poll_interval, self->state.failures_in_a_row);
    self->delayed_send(self, delay, tick_atom::value);
  };

  // Takes a payment that left the chain back from its order. Until the order
  // answered, the same payment seen again (mined anew) waits: it counts again
  // only after it was taken back.
  auto take_back = [self, options, registry](const std::string& key, domain::timestamp now) {
    auto& state = self->state;
    const auto gone = state.ledger.lose(key);
    if (!gone) {
      spdlog::warn("{} watcher: a payment left the chain ({}); it was tied to no order here", options.coin, key);
      return;
    }
    spdlog::warn("{} watcher: {} left the chain (replaced, dropped or reorganised away); taken back from its order",
                 options.coin, gone->seen.payment.txid);
    order_request back{*gone->order, domain::reverse_payment{gone->seen.payment.txid, now}, std::nullopt,
                       std::nullopt};
    self->request(registry, options.ask_timeout, std::move(back))
        .then([self, key](order_reply&) { self->state.ledger.reversed(key); },
              [self, options, key](caf::error& e) {
                const auto why = to_domain_error(e);
                spdlog::error("{} watcher: taking back {} failed: {}", options.coin, key, why.detail);
                // An order that moved on (being prepared, shipped) is the shop's to
                // settle; any other failure is tried again next poll.
                if (why.code == domain::error_code::invalid_transition)
                  self->state.ledger.reversal_refused(key);
                else
                  self->state.ledger.reversal_failed(key);
              });
  };

  return {
      [self, options, matcher, poll_again, take_back](tick_atom) {
        auto& state = self->state;
        const auto now = wall_clock_now();
        chain_reading reading;
        try {
          if (!state.recalled) {
            state.ledger.recall(state.source->recall(now));
            state.recalled = true;
          }
          reading = state.source->read(state.ledger, now);
        } catch (const std::exception& e) {
          record_poll_failed(state.stats, state.failures_in_a_row, state.source->name(), e.what());
          poll_again(false);
          return;
        }
        for (const auto& key : reading.lost) take_back(key, now);
        bool held = false;
        auto fresh = state.ledger.to_tell(std::move(reading.sighted), held);
        state.ledger.forget([&](const told_payment& told) { return state.source->forgettable(told); });
        record_poll_reached(state.stats, state.failures_in_a_row, reading, state.ledger.told().size(), now);
        if (fresh.empty()) {
          if (!held) state.source->reading_taken(state.ledger);
          poll_again(true);
          return;
        }
        std::vector<domain::incoming_payment> batch;
        batch.reserve(fresh.size());
        for (const auto& seen : fresh) batch.push_back(seen.payment);
        // `then`: the watcher answers its status while the matcher works; the
        // next poll is scheduled once the matcher has answered.
        self->request(matcher, options.ask_timeout, match_atom::value, std::move(batch))
            .then(
                [self, fresh, held, poll_again](std::vector<payment_disposition>& out) {
                  auto& state = self->state;
                  bool all_taken = !held && out.size() == fresh.size();
                  for (std::size_t k = 0; k < out.size() && k < fresh.size(); ++k) {
                    if (out[k].kind == payment_disposition::failed) {
                      all_taken = false;  // told again next poll
                      continue;
                    }
                    state.ledger.record(fresh[k], outcome_of(out[k].kind), out[k].order);
                    ++state.stats.transfers_sent;
                  }
                  if (all_taken) state.source->reading_taken(state.ledger);
                  poll_again(true);
                },
                [options, poll_again, count = fresh.size()](caf::error& e) {
                  spdlog::warn("{} watcher: the matcher did not take {} payment(s): {}", options.coin, count,
                               to_string(e));
                  poll_again(true);
                });
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
