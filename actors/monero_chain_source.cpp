#include "actors/monero_chain_source.hpp"

#include <algorithm>
#include <map>

namespace actors {
namespace {

sighted_payment sighted(const monero_source_options& options, const chains::monero_transfer& t,
                        domain::timestamp now) {
  sighted_payment seen;
  seen.key = t.txid + "/" + std::to_string(t.subaddr_index);
  seen.confirmations = t.confirmations;
  seen.block = t.height;
  auto& p = seen.payment;
  p.coin = options.coin;
  p.txid = t.txid;
  p.amount = t.amount;
  // The block's time, or when the wallet first saw it in the pool.
  p.received_at = t.timestamp_unix > 0 ? domain::from_unix_ms(static_cast<std::int64_t>(t.timestamp_unix) * 1000) : now;
  p.confirmations = static_cast<int>(std::min<std::uint64_t>(t.confirmations, 1'000'000));
  p.to_address = t.address;
  p.source = domain::payment_source::watcher;
  return seen;
}

}  // namespace

monero_chain_source::monero_chain_source(monero_source_options options)
    : options_(std::move(options)), wallet_(options_.wallet) {}

chain_reading monero_chain_source::read(const payment_ledger& ledger, domain::timestamp now) {
  wallet_.refresh();
  chain_reading reading;
  reading.height = wallet_.get_height();
  // Its address count is the subaddresses it handed out, counted where they are made.
  std::optional<std::uint64_t> scan_from;
  if (history_taken_) {
    const auto margin = static_cast<std::uint64_t>(options_.confirmations_required) + 10;
    std::uint64_t from = reading.height > margin ? reading.height - margin : 0;
    for (const auto& [key, told] : ledger.told())
      if (!told.settled && told.seen.block > 0) from = std::min(from, told.seen.block);
    scan_from = from;
  }
  const auto transfers = wallet_.get_transfers(options_.account_index, true, true, scan_from);
  scanned_from_ = scan_from.value_or(0);
  // One transaction paying several of our subaddresses (a customer paying two
  // orders at once) is one payment per subaddress: each gets its own id,
  // "<txid>:<subaddress index>", so that the second is not taken for a repeat
  // of the first. A transaction paying one subaddress keeps its plain id, as
  // the wallet's CSV export shows it.
  std::map<std::string, int> outputs_of;
  for (const auto& t : transfers) ++outputs_of[t.txid];
  for (const auto& t : transfers) {
    // Locked funds cannot be spent yet and a double spend may vanish: neither pays an order.
    if (t.unlock_time != 0 || t.double_spend_seen) continue;
    reading.sighted.push_back(sighted(options_, t, now));
    if (outputs_of[t.txid] > 1) reading.sighted.back().payment.txid += ":" + std::to_string(t.subaddr_index);
  }
  return reading;
}

void monero_chain_source::reading_taken(const payment_ledger&) { history_taken_ = true; }

// Below the heights the wallet is asked for, a settled transfer is never listed again.
bool monero_chain_source::forgettable(const told_payment& told) const {
  return scanned_from_ && told.seen.block > 0 && told.seen.block < *scanned_from_;
}

}  // namespace actors
