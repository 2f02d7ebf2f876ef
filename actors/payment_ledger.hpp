#pragma once

// What a chain watcher told the matcher about each payment it saw, so that it
// tells each change once: a new payment, then each new confirmation count,
// until the matcher settled it (counted, an exception, or counted before).
// Plain C++: the watcher actor drives it; tests drive it directly.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/matcher.hpp"
#include "domain/strong_types.hpp"

namespace actors {

/// One payment as the chain shows it now: one transaction's payment to one of our addresses.
struct sighted_payment {
  std::string key;                  // the same on every poll: transaction and address
  domain::incoming_payment payment;  // as the matcher is told it (its txid, address, amount, time)
  std::uint64_t confirmations = 0;
  std::uint64_t block = 0;  // its block's height; 0 while unconfirmed
  std::string block_hash;   // where the source knows it: a reorganisation changes it
};

/// What the matcher made of a payment it was told.
enum class told_outcome {
  awaiting,   // too few confirmations yet: told again at each new count
  counted,    // counted for an order
  exception,  // listed for the admin
  duplicate,  // counted before (by this watcher earlier, another node, an import)
};

struct told_payment {
  sighted_payment seen;  // as last told
  bool settled = false;  // counted, an exception or a duplicate: only leaving the chain changes it now
  bool counted = false;  // counted for `order` by this watcher: leaving the chain reverses it
  std::optional<domain::order_id> order;  // the order it was tied to (awaiting or counted)
};

class payment_ledger {
 public:
  /// Of a reading's payments, those the matcher has not heard as they are now:
  /// new, or with a new confirmation count while unsettled. A settled payment
  /// seen in another block (mined again) only moves. A payment being taken back
  /// is held: `held` is set, and it is told once its order gave it back.
  std::vector<sighted_payment> to_tell(std::vector<sighted_payment> sighted, bool& held);

  /// Records what the matcher made of a payment it was told.
  void record(const sighted_payment& seen, told_outcome outcome, const std::optional<domain::order_id>& order);

  /// A told payment that left the chain: out of the ledger, and held as being
  /// taken back when it had an order (returned then), until `reversed`.
  std::optional<told_payment> lose(const std::string& key);
  /// Its order took it back: a payment seen again from now on is new.
  void reversed(const std::string& key);
  /// Its order could not take it back now: followed again, to be lost again next poll.
  void reversal_failed(const std::string& key);
  /// Its order had moved on (being prepared, shipped): the shop settles it; forgotten.
  void reversal_refused(const std::string& key);

  /// Adds payments told before this watcher started; what it already holds wins.
  void recall(const std::vector<told_payment>& told);

  /// Drops the settled payments `forgettable` says will not matter again.
  std::size_t forget(const std::function<bool(const told_payment&)>& forgettable);

  const std::map<std::string, told_payment>& told() const noexcept { return told_; }
  bool being_reversed(const std::string& key) const { return reversing_.count(key) > 0; }

 private:
  std::map<std::string, told_payment> told_;
  std::map<std::string, told_payment> reversing_;
};

}  // namespace actors
