#include "actors/bitcoin_chain_source.hpp"

#include <algorithm>
#include <map>

namespace actors {

struct bitcoin_chain_source::session {
  explicit session(const std::string& url) : db(url), addresses(db) {}
  persistence::connection db;
  persistence::receiving_address_store addresses;
};

namespace {

/// Each transaction's payment to `address`: the sum of its outputs there.
std::vector<sighted_payment> payments_to(const bitcoin_source_options& options, const std::string& address,
                                         const std::vector<chains::esplora_transaction>& transactions,
                                         std::uint64_t tip, domain::timestamp now) {
  std::vector<sighted_payment> out;
  for (const auto& tx : transactions) {
    domain::atomic_amount::rep amount = 0;
    int outputs_to_us = 0;
    for (const auto& o : tx.outputs)
      if (o.address == address) {
        ++outputs_to_us;
        amount += o.value.value();
      }
    if (outputs_to_us == 0) continue;  // it spends from the address: nothing received
    sighted_payment seen;
    seen.key = tx.txid + "/" + address;
    const bool mined = tx.status.confirmed && tip >= tx.status.block_height;
    seen.confirmations = mined ? tip - tx.status.block_height + 1 : 0;
    seen.block = mined ? tx.status.block_height : 0;
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

bitcoin_chain_source::bitcoin_chain_source(bitcoin_source_options options)
    : options_(std::move(options)), esplora_(options_.esplora) {}

bitcoin_chain_source::~bitcoin_chain_source() = default;

chain_reading bitcoin_chain_source::read(const payment_ledger& ledger, domain::timestamp now) {
  chain_reading reading;
  std::vector<std::string> addresses;
  try {
    if (!store_) store_ = std::make_unique<session>(options_.database_url);
    const auto since = domain::to_unix_ms(now - options_.watch_addresses_for);
    addresses = store_->addresses.addresses_to_watch(options_.coin, options_.max_addresses, since);
  } catch (...) {
    store_.reset();  // made again on the next reading
    throw;
  }
  reading.height = esplora_.tip_height();
  reading.addresses = addresses.size();
  for (const auto& address : addresses)
    for (auto& seen : payments_to(options_, address, esplora_.address_transactions(address), reading.height, now))
      reading.sighted.push_back(std::move(seen));
  // A transaction paying two of our addresses (a customer paying two orders
  // at once) is one payment per address, each with its own id.
  std::map<std::string, int> addresses_of;
  for (const auto& seen : reading.sighted) ++addresses_of[seen.payment.txid];
  for (auto& seen : reading.sighted)
    if (addresses_of[seen.payment.txid] > 1) seen.payment.txid += ":" + *seen.payment.to_address;
  // A payment awaiting confirmations that an address no longer lists was
  // replaced or dropped, unless the API still knows its transaction (a long
  // history pages it out of the list).
  std::set<std::string> listed;
  for (const auto& seen : reading.sighted) listed.insert(seen.key);
  watched_ = std::set<std::string>(addresses.begin(), addresses.end());
  for (const auto& [key, told] : ledger.told()) {
    if (told.settled || !told.order || listed.count(key) > 0) continue;
    if (!told.seen.payment.to_address || watched_.count(*told.seen.payment.to_address) == 0) continue;
    if (!esplora_.transaction_known(key.substr(0, key.find('/')))) reading.lost.push_back(key);
  }
  return reading;
}

// Settled, and its address is no longer looked at: it cannot be listed again.
bool bitcoin_chain_source::forgettable(const told_payment& told) const {
  return !told.seen.payment.to_address || watched_.count(*told.seen.payment.to_address) == 0;
}

}  // namespace actors
