#pragma once

// What one coin's chain looks like to the chain watcher (actors/chain_watcher.hpp):
// every coin has its own source (a Monero view-only wallet, an Esplora API, an
// Ethereum node), and one watcher loop around them tells the matcher what is
// new, takes back what left the chain, and keeps the status. A source reads;
// the watcher decides whom to tell.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/payment_ledger.hpp"
#include "domain/strong_types.hpp"

namespace actors {

/// One poll's reading of a chain.
struct chain_reading {
  std::uint64_t height = 0;     // the chain's tip, or the wallet's height
  std::uint64_t addresses = 0;  // addresses looked at (0 for a wallet, which reads its account whole)
  // Every payment the source sees now: new ones, and those told before with
  // their confirmations as of now (the ledger picks what the matcher has not heard).
  std::vector<sighted_payment> sighted;
  // Keys of told payments the chain no longer holds: replaced (RBF), dropped,
  // or reorganised away. Each is taken back from its order.
  std::vector<std::string> lost;
};

/// A coin's chain, as one watcher reads it. Called on the watcher's own
/// (detached) thread only, so a source may block and keep state.
class chain_source {
 public:
  virtual ~chain_source() = default;

  /// What the logs and the status call it: "the wallet", "the Ethereum node".
  virtual const char* name() const = 0;

  /// Payments told before this watcher started that it must still follow (a
  /// counted payment whose block may yet leave the chain). Called before the
  /// first reading and again after a reading that failed until one succeeds;
  /// throws when the source or the database cannot be reached.
  virtual std::vector<told_payment> recall(domain::timestamp now) {
    (void)now;
    return {};
  }

  /// Reads the chain. Throws when the source cannot be reached; the watcher
  /// shows it as down and asks again with backoff.
  virtual chain_reading read(const payment_ledger& ledger, domain::timestamp now) = 0;

  /// The matcher took every payment of the last reading (or it had none): a
  /// source that scans blocks may move past them. Best effort.
  virtual void reading_taken(const payment_ledger& ledger) { (void)ledger; }

  /// Whether a settled payment can leave the ledger: the source will not list
  /// it again, or listed again it could change nothing. Keeps the ledger as
  /// small as what is still in play.
  virtual bool forgettable(const told_payment& told) const = 0;
};

}  // namespace actors
