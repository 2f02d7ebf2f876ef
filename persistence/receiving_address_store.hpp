#pragma once

// Which order each per-order receiving address belongs to (migration 012):
// one index of an account (a derived key's child, a Monero subaddress) is
// never handed to two orders, by any node, process or rebuilt wallet.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "persistence/connection.hpp"

namespace persistence {

/// An order's receiving address and its index in the account.
struct reserved_address {
  std::uint32_t index = 0;
  std::string address;
};

/// What became of a wallet's index offered for an order (claim()).
struct claimed_address {
  enum outcome_t {
    claimed,      // the order has it now
    order_has_one,  // the order already held an index: `address` is that one, the offered one stays free
    taken         // another order holds this index: ask the wallet for another
  } outcome = taken;
  reserved_address address;
};

class receiving_address_store {
 public:
  explicit receiving_address_store(connection& db);

  /// The order's address in a derived account (coin, account): the one it was
  /// given before (a retried checkout), else the next index, in order, with
  /// the address `address_at` makes of it. `address_at` returns nullopt for
  /// an index BIP32 cannot derive (about one in 2^127): that index is skipped.
  /// One transaction; concurrent callers on any node get different indexes.
  reserved_address reserve_next(const std::string& coin, const std::string& account, const std::string& order_id,
                                const std::function<std::optional<std::string>(std::uint32_t)>& address_at);

  /// Records that the wallet's index `index` (address `address`) of (coin,
  /// account) pays order `order_id`, unless another order holds it already.
  claimed_address claim(const std::string& coin, const std::string& account, std::uint32_t index,
                        const std::string& address, const std::string& order_id);

  /// The addresses of the coin's orders of their own that may still be paid
  /// (pending) or were placed at or after `placed_since_ms` (paid, cancelled:
  /// a late payment is the admin's to see), newest first, at most `limit`:
  /// what a chain watcher looks at.
  std::vector<std::string> addresses_to_watch(const std::string& payment_method, int limit,
                                              std::int64_t placed_since_ms);

 private:
  connection& db_;
};

}  // namespace persistence
