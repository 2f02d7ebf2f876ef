#include "actors/ethereum_chain_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "actors/clock.hpp"
#include "persistence/chain_cursor_store.hpp"
#include "persistence/connection.hpp"
#include "persistence/payment_store.hpp"
#include "persistence/receiving_address_store.hpp"

namespace actors {

struct ethereum_chain_source::session {
  explicit session(const std::string& url) : db(url), addresses(db), cursors(db), payments(db) {}
  persistence::connection db;
  persistence::receiving_address_store addresses;
  persistence::chain_cursor_store cursors;
  persistence::payment_store payments;
};

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

std::string key_of(const std::string& tx_hash, const std::string& address) { return tx_hash + "/" + address; }
std::string tx_hash_of(const std::string& key) { return key.substr(0, key.find('/')); }

rep saturating_add(rep a, rep b) {
  const rep max = ~rep{0};
  return b > max - a ? max : a + b;
}

std::uint64_t confirmations_of(std::uint64_t block, std::uint64_t tip) { return tip >= block ? tip - block + 1 : 0; }

int capped(std::uint64_t confirmations) { return static_cast<int>(std::min<std::uint64_t>(confirmations, 1'000'000)); }

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
      by_key[key_of(tx.hash, to->second)] =
          seen_transfer{tx.hash, to->second, tx.value.value(), n, block->hash, block->timestamp};
    }
  }
  std::vector<seen_transfer> out;
  for (auto& [key, seen] : by_key) out.push_back(std::move(seen));
  return out;
}

/// Reads blocks [from, last] for the token's transfers to our addresses.
std::vector<seen_transfer> tokens_in_blocks(chains::ethereum_rpc_client& node, const std::string& token,
                                            const std::map<std::string, std::string>& ours, std::uint64_t from,
                                            std::uint64_t last, std::map<std::uint64_t, std::string>& recent) {
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

ethereum_chain_source::ethereum_chain_source(ethereum_source_options options)
    : options_(std::move(options)), node_(options_.node) {}

ethereum_chain_source::~ethereum_chain_source() = default;

ethereum_chain_source::session& ethereum_chain_source::store() {
  if (!store_) store_ = std::make_unique<session>(options_.database_url);
  return *store_;
}

std::vector<told_payment> ethereum_chain_source::recall(domain::timestamp now) {
  std::vector<persistence::counted_payment_row> rows;
  try {
    rows = store().payments.recent_watcher_payments(
        options_.coin, domain::to_unix_ms(now - options_.recall_window), options_.recall_limit);
  } catch (...) {
    store_.reset();  // made again on the next try
    throw;
  }
  const std::uint64_t tip = node_.block_number();
  std::vector<told_payment> out;
  for (const auto& row : rows) {
    const auto tx_hash = row.txid.substr(0, row.txid.find(':'));
    const auto receipt = node_.transaction_receipt(tx_hash);
    if (!receipt || !receipt->succeeded) {
      // Gone while the engine was down, or a node still catching up: the
      // watcher cannot tell which, so the admin is told and nothing is undone.
      spdlog::warn("{} watcher: the counted payment {} is not on the node's chain now; check it by hand", options_.coin,
                   row.txid);
      continue;
    }
    const auto confirmations = confirmations_of(receipt->block_number, tip);
    if (confirmations > options_.reorg_depth) continue;  // final: nothing can take it back
    told_payment told;
    auto& seen = told.seen;
    seen.key = key_of(tx_hash, row.address);
    seen.block = receipt->block_number;
    seen.block_hash = receipt->block_hash;
    seen.confirmations = confirmations;
    seen.payment.coin = options_.coin;
    seen.payment.txid = row.txid;
    seen.payment.amount = domain::atomic_amount::parse(row.amount_atomic).value_or(domain::atomic_amount{});
    seen.payment.received_at = domain::from_unix_ms(row.received_at_ms);
    seen.payment.confirmations = capped(confirmations);
    seen.payment.to_address = row.address;
    seen.payment.source = domain::payment_source::watcher;
    told.settled = true;
    told.counted = true;
    told.order = domain::order_id{row.order_id};
    out.push_back(std::move(told));
  }
  if (!out.empty()) spdlog::info("{} watcher: follows {} recently counted payment(s) for reorganisations", options_.coin,
                                 out.size());
  return out;
}

chain_reading ethereum_chain_source::read(const payment_ledger& ledger, domain::timestamp now) {
  std::map<std::string, std::string> ours;  // lower case -> as the order holds it
  std::optional<std::uint64_t> stored_cursor;
  try {
    auto& db = store();
    const auto since = domain::to_unix_ms(now - options_.watch_addresses_for);
    for (const auto& a : db.addresses.addresses_to_watch(options_.coin, options_.max_addresses, since))
      if (const auto lower = chains::normalized_eth_address(a)) ours.emplace(*lower, a);
    if (!next_block_) stored_cursor = db.cursors.next_block(options_.coin);
  } catch (...) {
    store_.reset();  // made again on the next reading
    throw;
  }
  chain_reading reading;
  const std::uint64_t tip = node_.block_number();
  reading.height = tip;
  reading.addresses = ours.size();
  tip_ = tip;
  if (!next_block_) next_block_ = stored_cursor ? *stored_cursor : tip + 1 - std::min(tip + 1, options_.first_scan_blocks);

  // 1. A reorganisation: a block read before is no longer the node's block at
  //    its height. The scan goes back to the highest block still the same, and
  //    a told payment the new chain lacks is lost.
  std::map<std::uint64_t, std::optional<std::string>> canonical;
  auto hash_at = [&](std::uint64_t n) -> const std::optional<std::string>& {
    auto found = canonical.find(n);
    if (found == canonical.end()) {
      const auto header = node_.block_header_at(n);
      found = canonical.emplace(n, header ? std::optional<std::string>{header->hash} : std::nullopt).first;
    }
    return found->second;
  };
  bool rewound = false;
  // A node whose tip is below what was read is behind (syncing, or a fresh
  // one): it is waited for, never taken for a reorganisation that would send
  // payments back.
  while (!recent_.empty()) {
    const auto newest = std::prev(recent_.end());
    if (newest->first > tip || hash_at(newest->first) == newest->second) break;
    recent_.erase(newest);
    rewound = true;
  }
  if (rewound) {
    const std::uint64_t from = recent_.empty() ? 0 : recent_.rbegin()->first + 1;
    if (from < *next_block_) {
      spdlog::warn("{} watcher: the chain was reorganised; reading again from block {}", options_.coin, from);
      next_block_ = from;
    }
  }
  std::vector<sighted_payment> moved;  // told payments mined again in another block
  std::set<std::string> lost_or_moved;
  for (const auto& [key, told] : ledger.told()) {
    if (told.seen.block == 0 || told.seen.block > tip || hash_at(told.seen.block) == told.seen.block_hash) continue;
    lost_or_moved.insert(key);
    const auto receipt = node_.transaction_receipt(tx_hash_of(key));
    if (receipt && receipt->succeeded) {
      // Mined again in another block: it stands, with that block's confirmations.
      sighted_payment seen = told.seen;
      seen.block = receipt->block_number;
      seen.block_hash = receipt->block_hash;
      seen.confirmations = confirmations_of(seen.block, tip);
      seen.payment.confirmations = capped(seen.confirmations);
      moved.push_back(std::move(seen));
      continue;
    }
    reading.lost.push_back(key);
  }

  // 2. The blocks not read yet.
  const std::uint64_t from = *next_block_;
  std::vector<seen_transfer> scanned;
  read_up_to_ = from;
  if (from <= tip) {
    std::uint64_t last = std::min(tip, from + options_.max_blocks_per_poll - 1);
    scanned = options_.token_contract.empty()
                  ? ether_in_blocks(node_, ours, from, last, recent_)
                  : tokens_in_blocks(node_, options_.token_contract, ours, from, last, recent_);
    read_up_to_ = last + 1;
  }
  while (recent_.size() > recent_blocks_kept) recent_.erase(recent_.begin());

  // 3. Every payment as it stands now: those in the blocks just read, those
  //    mined again elsewhere, and those awaiting confirmations with the tip's count.
  std::map<std::string, int> addresses_of;  // a transaction paying several of our addresses
  for (const auto& s : scanned) ++addresses_of[s.tx_hash];
  std::set<std::string> sighted_keys;
  for (const auto& s : scanned) {
    sighted_payment seen;
    seen.key = key_of(s.tx_hash, s.address);
    seen.block = s.block;
    seen.block_hash = s.block_hash;
    seen.confirmations = confirmations_of(s.block, tip);
    auto& p = seen.payment;
    p.coin = options_.coin;
    p.txid = addresses_of[s.tx_hash] > 1 ? s.tx_hash + ":" + s.address : s.tx_hash;
    p.amount = domain::atomic_amount{s.amount};
    p.received_at = received_at(s.block_time, now);
    p.confirmations = capped(seen.confirmations);
    p.to_address = s.address;
    p.source = domain::payment_source::watcher;
    sighted_keys.insert(seen.key);
    reading.sighted.push_back(std::move(seen));
  }
  for (auto& seen : moved)
    if (sighted_keys.insert(seen.key).second) reading.sighted.push_back(std::move(seen));
  for (const auto& [key, told] : ledger.told()) {
    if (told.settled || lost_or_moved.count(key) > 0 || sighted_keys.count(key) > 0) continue;
    sighted_payment seen = told.seen;
    seen.confirmations = confirmations_of(told.seen.block, tip);
    seen.payment.confirmations = capped(seen.confirmations);
    reading.sighted.push_back(std::move(seen));
  }
  return reading;
}

// Stores where a restart must begin: the next block to read, or the block of
// a payment still awaiting confirmations if that is older (it is told again
// from there). Best effort: a failure costs a longer rescan at most.
void ethereum_chain_source::reading_taken(const payment_ledger& ledger) {
  if (next_block_ && *next_block_ == read_up_to_) return;
  next_block_ = read_up_to_;
  std::uint64_t next = read_up_to_;
  for (const auto& [key, told] : ledger.told())
    if (!told.settled && told.seen.block > 0) next = std::min(next, told.seen.block);
  try {
    store().cursors.advance(options_.coin, next, domain::to_unix_ms(wall_clock_now()));
  } catch (const std::exception& e) {
    store_.reset();
    spdlog::warn("{} watcher: the scan cursor was not stored: {}", options_.coin, e.what());
  }
}

// Deep enough that no reorganisation takes it back.
bool ethereum_chain_source::forgettable(const told_payment& told) const {
  return confirmations_of(told.seen.block, tip_) > options_.reorg_depth;
}

}  // namespace actors
