#include "actors/bitcoin_watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "actors/watcher_polls.hpp"

namespace actors {
namespace {

/// One transaction's payment to one of our addresses: the sum of its outputs there.
struct seen_payment {
  std::string key;  // txid + "/" + address
  domain::incoming_payment payment;
  std::uint64_t confirmations = 0;
};

std::vector<seen_payment> payments_to(const bitcoin_watcher_options& options, const std::string& address,
                                      const std::vector<chains::esplora_transaction>& transactions,
                                      std::uint64_t tip, domain::timestamp now) {
  std::vector<seen_payment> out;
  for (const auto& tx : transactions) {
    domain::atomic_amount::rep amount = 0;
    int outputs_to_us = 0;
    for (const auto& o : tx.outputs)
      if (o.address == address) {
        ++outputs_to_us;
        amount += o.value.value();
      }
    if (outputs_to_us == 0) continue;  // it spends from the address: nothing received
    seen_payment seen;
    seen.key = tx.txid + "/" + address;
    seen.confirmations =
        tx.status.confirmed && tip >= tx.status.block_height ? tip - tx.status.block_height + 1 : 0;
    auto& p = seen.payment;
    p.coin = options.coin;
    p.txid = tx.txid;
    p.amount = domain::atomic_amount{amount};
    // The block's time, or when the watcher first saw it in the mempool.
    p.received_at = tx.status.confirmed && tx.status.block_time > 0 ? domain::from_unix_ms(tx.status.block_time * 1000)
                                                                      : now;
    p.confirmations = static_cast<int>(std::min<std::uint64_t>(seen.confirmations, 1'000'000));
    p.to_address = address;
    p.source = domain::payment_source::watcher;
    out.push_back(std::move(seen));
  }
  return out;
}

}  // namespace

chain_watcher_actor::behavior_type bitcoin_watcher_impl(chain_watcher_actor::stateful_pointer<bitcoin_watcher_state> self,
                                                        bitcoin_watcher_options options, payment_matcher_actor matcher,
                                                        order_registry_actor registry) {
  self->state.stats.coin = options.coin;
  self->state.esplora = std::make_unique<chains::esplora_client>(options.esplora);
  self->send(self, tick_atom::value);

  auto poll_again = [self, options](bool reached) {
    auto& state = self->state;
    const auto delay = reached ? options.poll_interval : watcher_backoff(options.poll_interval, state.failures_in_a_row);
    self->delayed_send(self, delay, tick_atom::value);
  };

  return {
      [self, options, matcher, registry, poll_again](tick_atom) {
        auto& state = self->state;
        const auto now = wall_clock_now();
        std::vector<seen_payment> fresh;
        std::vector<std::string> vanished;  // keys of told payments the source no longer knows
        try {
          if (!state.store) state.store = std::make_unique<bitcoin_watcher_state::session>(options.database_url);
          const auto addresses = state.store->addresses.addresses_to_watch(options.coin, options.max_addresses);
          const std::uint64_t tip = state.esplora->tip_height();
          // A transaction paying two of our addresses (a customer paying two
          // orders at once) is one payment per address, each with its own id.
          std::map<std::string, int> addresses_of;
          std::vector<seen_payment> all;
          for (const auto& address : addresses)
            for (auto& seen : payments_to(options, address, state.esplora->address_transactions(address), tip, now))
              all.push_back(std::move(seen));
          for (const auto& seen : all) ++addresses_of[seen.payment.txid];
          // A payment waiting for confirmations that an address no longer lists
          // was replaced or dropped, unless the API still knows its transaction
          // (a long history pages it out of the list).
          std::set<std::string> listed;
          for (const auto& seen : all) listed.insert(seen.key);
          const std::set<std::string> watched(addresses.begin(), addresses.end());
          for (const auto& [key, told] : state.told) {
            if (told.settled || !told.order || listed.count(key) > 0 || watched.count(told.address) == 0) continue;
            const std::string plain = key.substr(0, key.find('/'));
            if (!state.esplora->transaction_known(plain)) vanished.push_back(key);
          }
          for (auto& seen : all) {
            const auto told = state.told.find(seen.key);
            if (told != state.told.end() &&
                (told->second.settled || told->second.confirmations == seen.confirmations))
              continue;
            if (addresses_of[seen.payment.txid] > 1) seen.payment.txid += ":" + *seen.payment.to_address;
            fresh.push_back(std::move(seen));
          }
          record_poll_reached(state.stats, state.failures_in_a_row, tip, addresses.size(), now);
        } catch (const std::exception& e) {
          record_poll_failed(state.stats, state.failures_in_a_row, "the chain source", e.what());
          // A lost database connection is made again on the next poll.
          if (!dynamic_cast<const chains::esplora_error*>(&e)) state.store.reset();
          poll_again(false);
          return;
        }
        for (const auto& key : vanished) {
          const told_payment told = state.told.at(key);
          spdlog::info("{} watcher: {} is no longer on the chain (replaced or dropped); withdrawn from its order",
                       options.coin, told.txid);
          order_request withdraw{*told.order, domain::withdraw_payment{told.txid, now}, std::nullopt, std::nullopt};
          // Forgotten once the order took it back; asked again next poll otherwise.
          self->request(registry, options.ask_timeout, std::move(withdraw))
              .then([self, key](order_reply&) { self->state.told.erase(key); },
                    [options, key](caf::error& e) {
                      spdlog::warn("{} watcher: withdrawing {} failed: {}", options.coin, key, to_string(e));
                    });
        }
        if (fresh.empty()) {
          poll_again(true);
          return;
        }
        std::vector<domain::incoming_payment> batch;
        std::vector<told_payment> keys;  // one per payment in the batch
        std::vector<std::string> key_names;
        for (auto& seen : fresh) {
          told_payment told;
          told.confirmations = seen.confirmations;
          told.txid = seen.payment.txid;
          told.address = *seen.payment.to_address;
          keys.push_back(std::move(told));
          key_names.push_back(seen.key);
          batch.push_back(std::move(seen.payment));
        }
        const auto count = batch.size();
        // `then`: the watcher answers its status while the matcher works; the
        // next poll is scheduled once the matcher has answered.
        self->request(matcher, options.ask_timeout, match_atom::value, std::move(batch))
            .then(
                [self, keys, key_names, poll_again](std::vector<payment_disposition>& out) {
                  auto& state = self->state;
                  for (std::size_t k = 0; k < out.size() && k < keys.size(); ++k) {
                    if (out[k].kind == payment_disposition::failed) continue;  // told again next poll
                    auto& told = state.told[key_names[k]];
                    told = keys[k];
                    told.settled = out[k].kind != payment_disposition::awaiting;
                    if (out[k].kind == payment_disposition::awaiting) told.order = out[k].order;
                    ++state.stats.transfers_sent;
                  }
                  poll_again(true);
                },
                [options, poll_again, count](caf::error& e) {
                  log_matcher_refusal(options.coin, count, e);
                  poll_again(true);
                });
      },
      [self](status_atom) { return self->state.stats; },
  };
}

}  // namespace actors
