#include "actors/ethereum_watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "actors/clock.hpp"
#include "actors/errors.hpp"
#include "actors/watcher_polls.hpp"

namespace actors {
namespace {

using rep = domain::atomic_amount::rep;

// Block hashes kept to see a reorganisation of the blocks read: deeper ones
// than this are Ethereum's finalised past.
constexpr std::size_t recent_blocks_kept = 256;

/// One transaction's transfers to one of our addresses, summed: a token
/// contract may move several amounts to one address in one transaction.
struct seen_transfer {
  std::string tx_hash;
  std::string address;  // as the order holds it (EIP-55)
  rep amount = 0;
  std::uint64_t block = 0;
  std::string block_hash;
  std::int64_t block_time = 0;  // Unix seconds
};

std::string key_of(const std::string& tx_hash, const std::string& address) {
  return tx_hash + "/" + address;
}

rep saturating_add(rep a, rep b) {
  const rep max = ~rep{0};
  return b > max - a ? max : a + b;
}

std::uint64_t confirmations_of(std::uint64_t block, std::uint64_t tip) {
  return tip >= block ? tip - block + 1 : 0;
}

/// The block time of a payment, and not after `now`: a node's clock may run ahead.
domain::timestamp received_at(std::int64_t block_time, domain::timestamp now) {
  return block_time > 0 ? std::min(domain::from_unix_ms(block_time * 1000), now) : now;
}

/// Reads blocks [from, last] for Ether to our addresses; `last` comes down
/// when the node has fewer blocks than its tip said (it is syncing).
std::vector<seen_transfer> ether_in_blocks(chains::ethereum_rpc_client& node,
                                           const std::map<std::string, std::string>& ours, std::uint64_t from,
                                           std::uint64_t& last, std::map<std::uint64_t, std::string>& recent) {
  std::map<std::string, seen_transfer> by_key;
  for (std::uint64_t n = from; n <= last; ++n) {
    const auto block = node.block_with_transactions(n);
    if (!block) {
      last = n - 1;
      break;
    }
    recent[n] = block->hash;
    for (const auto& tx : block->transactions) {
      const auto to = ours.find(tx.to);
      if (tx.to.empty() || to == ours.end() || tx.value == domain::atomic_amount{}) continue;
      auto& seen = by_key[key_of(tx.hash, to->second)];
      seen = seen_transfer{tx.hash, to->second, tx.value.value(), n, block->hash, block->timestamp};
    }
  }
  std::vector<seen_transfer> out;
  for (auto& [key, seen] : by_key) out.push_back(std::move(seen));
  return out;
}

/// Reads blocks [from, last] for the token's transfers to our addresses.
std::vector<seen_transfer> tokens_in_blocks(chains::ethereum_rpc_client& node, const std::string& token,
                                            const std::map<std::string, std::string>& ours, std::uint64_t from,
                                            std::uint64_t& last, std::map<std::uint64_t, std::string>& recent) {
  const auto last_header = node.block_header_at(last);
  if (!last_header) throw chains::rpc_error(chains::rpc_error::kind::bad_reply, "the node lost its tip block");
  std::vector<std::string> recipients;
  for (const auto& [lower, stored] : ours) recipients.push_back(lower);
  std::map<std::string, seen_transfer> by_key;
  std::map<std::uint64_t, std::int64_t> times;  // block -> time, read once per block
  for (const auto& log : node.transfer_logs(token, recipients, from, last)) {
    const auto to = ours.find(log.to);
    if (log.removed || to == ours.end() || log.value == domain::atomic_amount{}) continue;
    if (log.block_number < from || log.block_number > last) continue;  // not what was asked: ignored
    auto& seen = by_key[key_of(log.tx_hash, to->second)];
    if (seen.tx_hash.empty()) {
      seen = seen_transfer{log.tx_hash, to->second, 0, log.block_number, log.block_hash, 0};
      if (times.count(log.block_number) == 0) {
        const auto header = node.block_header_at(log.block_number);
        times[log.block_number] = header ? header->timestamp : 0;
      }
      seen.block_time = times[log.block_number];
    }
    seen.amount = saturating_add(seen.amount, log.value.value());
  }
  recent[last] = last_header->hash;
  std::vector<seen_transfer> out;
  for (auto& [key, seen] : by_key) out.push_back(std::move(seen));
  return out;
}

}  // namespace

chain_watcher_actor::behavior_type ethereum_watcher_impl(
    chain_watcher_actor::stateful_pointer<ethereum_watcher_state> self, ethereum_watcher_options options,
    payment_matcher_actor matcher, order_registry_actor registry) {
  self->state.stats.coin = options.coin;
  self->state.node = std::make_unique<chains::ethereum_rpc_client>(options.node);
  self->send(self, tick_atom::value);

  auto poll_again = [self, options](bool reached) {
    const auto delay =
        reached ? options.poll_interval : watcher_backoff(options.poll_interval, self->state.failures_in_a_row);
    self->delayed_send(self, delay, tick_atom::value);
  };

  // Stores where a restart must begin: the next block to read, or the block of
  // a payment still waiting for confirmations if that is older (it is told
  // again from there). Best effort: a failure costs a longer rescan at most.
  auto store_cursor = [self, options](std::uint64_t next) {
    auto& state = self->state;
    for (const auto& [key, told] : state.told)
      if (!told.settled && told.block > 0) next = std::min(next, told.block);
    try {
      if (!state.store) state.store = std::make_unique<ethereum_watcher_state::session>(options.database_url);
      state.store->cursors.advance(options.coin, next, domain::to_unix_ms(wall_clock_now()));
    } catch (const std::exception& e) {
      state.store.reset();
      spdlog::warn("{} watcher: the scan cursor was not stored: {}", options.coin, e.what());
    }
  };

  return {
      [self, options, matcher, registry, poll_again, store_cursor](tick_atom) {
        auto& state = self->state;
        const auto now = wall_clock_now();
        std::vector<std::string> gone;  // told payments the node's chain no longer holds
        std::vector<std::string> batch_keys;
        std::vector<told_eth_payment> batch;
        std::uint64_t scanned_next = 0;  // the next block to read once this poll's payments are told
        try {
          if (!state.store) state.store = std::make_unique<ethereum_watcher_state::session>(options.database_url);
          std::map<std::string, std::string> ours;  // lower case -> as the order holds it
          for (const auto& a : state.store->addresses.addresses_to_watch(options.coin, options.max_addresses))
            if (const auto lower = chains::normalized_eth_address(a)) ours.emplace(*lower, a);
          auto& node = *state.node;
          const std::uint64_t tip = node.block_number();
          if (!state.next_block) {
            const auto stored = state.store->cursors.next_block(options.coin);
            state.next_block = stored ? *stored : tip + 1 - std::min(tip + 1, options.first_scan_blocks);
          }

          // 1. A reorganisation: a block read before is no longer the node's
          //    block at its height. The scan goes back to the highest block
          //    still the same, and a told payment the new chain lacks is gone.
          std::map<std::uint64_t, std::optional<std::string>> canonical;
          auto hash_at = [&](std::uint64_t n) -> const std::optional<std::string>& {
            auto found = canonical.find(n);
            if (found == canonical.end()) {
              const auto header = node.block_header_at(n);
              found = canonical.emplace(n, header ? std::optional<std::string>{header->hash} : std::nullopt).first;
            }
            return found->second;
          };
          bool rewound = false;
          // A node whose tip is below what was read is behind (syncing, or a
          // fresh one): it is waited for, never taken for a reorganisation that
          // would send payments back.
          while (!state.recent.empty()) {
            const auto newest = std::prev(state.recent.end());
            if (newest->first > tip || hash_at(newest->first) == newest->second) break;
            state.recent.erase(newest);
            rewound = true;
          }
          if (rewound) {
            const std::uint64_t from = state.recent.empty() ? 0 : state.recent.rbegin()->first + 1;
            if (from < *state.next_block) {
              spdlog::warn("{} watcher: the chain was reorganised; reading again from block {}", options.coin, from);
              state.next_block = from;
            }
          }
          for (auto& [key, told] : state.told) {
            if (told.block == 0 || told.block > tip || hash_at(told.block) == told.block_hash) continue;
            const auto receipt = node.transaction_receipt(told.tx_hash);
            if (receipt && receipt->succeeded) {
              // Mined again in another block: it stands, with that block's confirmations.
              told.block = receipt->block_number;
              told.block_hash = receipt->block_hash;
              continue;
            }
            gone.push_back(key);
          }

          // 2. The blocks not read yet.
          std::vector<seen_transfer> seen;
          const std::uint64_t from = *state.next_block;
          std::uint64_t last = from;
          if (from <= tip) {
            last = std::min(tip, from + options.max_blocks_per_poll - 1);
            seen = options.token_contract.empty()
                       ? ether_in_blocks(node, ours, from, last, state.recent)
                       : tokens_in_blocks(node, options.token_contract, ours, from, last, state.recent);
            scanned_next = last + 1;
          } else {
            scanned_next = from;
          }
          while (state.recent.size() > recent_blocks_kept) state.recent.erase(state.recent.begin());

          // 3. What the matcher has not heard yet: new payments, and new
          //    confirmations of those it was told.
          const std::set<std::string> gone_keys(gone.begin(), gone.end());
          std::map<std::string, int> addresses_of;  // a transaction paying several of our addresses
          for (const auto& s : seen) ++addresses_of[s.tx_hash];
          std::set<std::string> in_batch;
          for (const auto& s : seen) {
            const auto key = key_of(s.tx_hash, s.address);
            if (state.reversing.count(key) > 0) {
              scanned_next = std::min(scanned_next, s.block);  // read again once its order took it back
              continue;
            }
            const auto confirmations = confirmations_of(s.block, tip);
            const auto told = state.told.find(key);
            if (told != state.told.end() && told->second.block_hash == s.block_hash &&
                (told->second.settled || told->second.confirmations == confirmations))
              continue;
            told_eth_payment t;
            auto& p = t.payment;
            p.coin = options.coin;
            p.txid = addresses_of[s.tx_hash] > 1 ? s.tx_hash + ":" + s.address : s.tx_hash;
            p.amount = domain::atomic_amount{s.amount};
            p.received_at = received_at(s.block_time, now);
            p.confirmations = static_cast<int>(std::min<std::uint64_t>(confirmations, 1'000'000));
            p.to_address = s.address;
            p.source = domain::payment_source::watcher;
            t.tx_hash = s.tx_hash;
            t.block = s.block;
            t.block_hash = s.block_hash;
            t.confirmations = confirmations;
            if (told != state.told.end() && told->second.settled) {
              // Its block moved (mined again): what was settled stays settled.
              told->second.block = s.block;
              told->second.block_hash = s.block_hash;
              continue;
            }
            in_batch.insert(key);
            batch_keys.push_back(key);
            batch.push_back(std::move(t));
          }
          for (const auto& [key, told] : state.told) {
            if (told.settled || gone_keys.count(key) > 0 || in_batch.count(key) > 0) continue;
            const auto confirmations = confirmations_of(told.block, tip);
            if (confirmations == told.confirmations) continue;
            told_eth_payment t = told;
            t.confirmations = confirmations;
            t.payment.confirmations = static_cast<int>(std::min<std::uint64_t>(confirmations, 1'000'000));
            batch_keys.push_back(key);
            batch.push_back(std::move(t));
          }
          // Deep enough that no reorganisation takes it back: forgotten.
          for (auto it = state.told.begin(); it != state.told.end();)
            if (it->second.settled && confirmations_of(it->second.block, tip) > options.reorg_depth)
              it = state.told.erase(it);
            else
              ++it;

          record_poll_reached(state.stats, state.failures_in_a_row, tip, ours.size(), now);
        } catch (const std::exception& e) {
          record_poll_failed(state.stats, state.failures_in_a_row, "the Ethereum node", e.what());
          // A lost database connection is made again on the next poll.
          if (!dynamic_cast<const chains::rpc_error*>(&e)) state.store.reset();
          poll_again(false);
          return;
        }

        for (const auto& key : gone) {
          const told_eth_payment told = state.told.at(key);
          state.told.erase(key);
          if (!told.order) {
            // An exception or a payment counted before this watcher started:
            // no order to give it back to. The admin's exception list keeps it.
            spdlog::warn("{} watcher: {} left the chain (reorganisation); it was tied to no order here", options.coin,
                         told.payment.txid);
            continue;
          }
          spdlog::warn("{} watcher: {} left the chain (reorganisation); taken back from its order", options.coin,
                       told.payment.txid);
          state.reversing.emplace(key, told);
          order_request back{*told.order, domain::reverse_payment{told.payment.txid, now}, std::nullopt, std::nullopt};
          self->request(registry, options.ask_timeout, std::move(back))
              .then([self, key](order_reply&) { self->state.reversing.erase(key); },
                    [self, options, key](caf::error& e) {
                      auto& state = self->state;
                      const auto why = to_domain_error(e);
                      spdlog::error("{} watcher: taking back {} failed: {}", options.coin, key, why.detail);
                      // Asked again next poll (its block is still not the node's); an
                      // order that moved on (being prepared, shipped) is the shop's to settle.
                      const auto waiting = state.reversing.find(key);
                      if (waiting == state.reversing.end()) return;
                      if (why.code != domain::error_code::invalid_transition) state.told.emplace(key, waiting->second);
                      state.reversing.erase(waiting);
                    });
        }

        auto advance = [self, store_cursor](std::uint64_t next) {
          auto& state = self->state;
          if (state.next_block && *state.next_block == next) return;
          state.next_block = next;
          store_cursor(next);
        };
        if (batch.empty()) {
          advance(scanned_next);
          poll_again(true);
          return;
        }
        std::vector<domain::incoming_payment> payments;
        for (const auto& t : batch) payments.push_back(t.payment);
        const auto count = payments.size();
        // `then`: the watcher answers its status while the matcher works; the
        // next poll is scheduled once the matcher has answered.
        self->request(matcher, options.ask_timeout, match_atom::value, std::move(payments))
            .then(
                [self, batch, batch_keys, scanned_next, advance, poll_again](std::vector<payment_disposition>& out) {
                  auto& state = self->state;
                  bool all_taken = out.size() == batch.size();
                  for (std::size_t k = 0; k < out.size() && k < batch.size(); ++k) {
                    if (out[k].kind == payment_disposition::failed) {
                      all_taken = false;  // read again next poll
                      continue;
                    }
                    auto& told = state.told[batch_keys[k]];
                    const auto previous_order = told.order;
                    told = batch[k];
                    told.settled = out[k].kind != payment_disposition::awaiting;
                    told.counted = out[k].kind == payment_disposition::matched;
                    told.order = out[k].order ? out[k].order : previous_order;
                    if (out[k].kind == payment_disposition::exception) told.order.reset();
                    ++state.stats.transfers_sent;
                  }
                  if (all_taken) advance(scanned_next);
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
