#include "actors/monero_watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "actors/watcher_polls.hpp"

namespace actors {
namespace {

std::string transfer_key(const chains::monero_transfer& t) {
  return t.txid + "/" + std::to_string(t.subaddr_index);
}

domain::incoming_payment to_payment(const monero_watcher_options& options, const chains::monero_transfer& t,
                                    domain::timestamp now) {
  domain::incoming_payment p;
  p.coin = options.coin;
  p.txid = t.txid;
  p.amount = t.amount;
  // The block's time, or when the wallet first saw it in the pool.
  p.received_at = t.timestamp_unix > 0 ? domain::from_unix_ms(static_cast<std::int64_t>(t.timestamp_unix) * 1000) : now;
  p.confirmations = static_cast<int>(std::min<std::uint64_t>(t.confirmations, 1'000'000));
  p.to_address = t.address;
  p.source = domain::payment_source::watcher;
  return p;
}

}  // namespace

chain_watcher_actor::behavior_type monero_watcher_impl(chain_watcher_actor::stateful_pointer<monero_watcher_state> self,
                                                       monero_watcher_options options, payment_matcher_actor matcher) {
  self->state.stats.coin = options.coin;
  self->state.wallet = std::make_unique<chains::monero_wallet_rpc>(options.wallet);
  self->send(self, tick_atom::value);

  auto poll_again = [self, options](bool reached) {
    auto& state = self->state;
    const auto delay = reached ? options.poll_interval : watcher_backoff(options.poll_interval, state.failures_in_a_row);
    self->delayed_send(self, delay, tick_atom::value);
  };

  return {
      [self, options, matcher, poll_again](tick_atom) {
        auto& state = self->state;
        const auto now = wall_clock_now();
        std::vector<domain::incoming_payment> batch;
        struct told {
          std::string key;
          std::uint64_t height, confirmations;
        };
        std::vector<told> keys;  // one per payment in the batch
        try {
          state.wallet->refresh();
          const std::uint64_t height = state.wallet->get_height();
          // The first poll reads the whole history (what arrived while the engine
          // was down); later ones start below the oldest transfer still settling.
          std::optional<std::uint64_t> scan_from;
          if (state.stats.polls > 0) {
            const auto margin = static_cast<std::uint64_t>(options.confirmations_required) + 10;
            std::uint64_t from = height > margin ? height - margin : 0;
            for (const auto& [key, sent] : state.sent)
              if (!sent.settled && sent.height > 0) from = std::min(from, sent.height);
            scan_from = from;
          }
          const auto transfers = state.wallet->get_transfers(options.account_index, true, true, scan_from);
          // One transaction paying several of our subaddresses (a customer paying
          // two orders at once) is one payment per subaddress: each gets its own
          // id, "<txid>:<subaddress index>", so that the second is not taken for a
          // repeat of the first. A transaction paying one subaddress keeps its
          // plain id, as the wallet's CSV export shows it.
          std::map<std::string, int> outputs_of;
          for (const auto& t : transfers) ++outputs_of[t.txid];
          // Its address count is the subaddresses it handed out, counted where they are made.
          record_poll_reached(state.stats, state.failures_in_a_row, height, state.stats.addresses, now);
          for (const auto& t : transfers) {
            // Locked funds cannot be spent yet and a double spend may vanish: neither pays an order.
            if (t.unlock_time != 0 || t.double_spend_seen) continue;
            const auto key = transfer_key(t);
            auto seen = state.sent.find(key);
            if (seen != state.sent.end() && (seen->second.settled || seen->second.confirmations == t.confirmations))
              continue;
            batch.push_back(to_payment(options, t, now));
            if (outputs_of[t.txid] > 1) batch.back().txid += ":" + std::to_string(t.subaddr_index);
            keys.push_back({key, t.height, t.confirmations});
          }
        } catch (const std::exception& e) {
          record_poll_failed(state.stats, state.failures_in_a_row, "the wallet", e.what());
          poll_again(false);
          return;
        }
        if (batch.empty()) {
          poll_again(true);
          return;
        }
        const auto count = batch.size();
        // `then`, not `await`: checkouts asking for a subaddress are served while
        // the matcher works. The next poll is scheduled only once it has answered.
        self->request(matcher, options.ask_timeout, match_atom::value, std::move(batch))
            .then(
                [self, keys, poll_again](std::vector<payment_disposition>& out) {
                  auto& state = self->state;
                  for (std::size_t k = 0; k < out.size() && k < keys.size(); ++k) {
                    if (out[k].kind == payment_disposition::failed) continue;  // told again next poll
                    auto& sent = state.sent[keys[k].key];
                    sent.settled = out[k].kind != payment_disposition::awaiting;
                    sent.height = keys[k].height;
                    sent.confirmations = keys[k].confirmations;
                    ++state.stats.transfers_sent;
                  }
                  poll_again(true);
                },
                [options, poll_again, count](caf::error& e) {
                  spdlog::warn("{} watcher: the matcher did not take {} transfer(s): {}", options.coin, count,
                               to_string(e));
                  poll_again(true);
                });
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
