#pragma once

// What a master key rotation (`order_engine keys rotate`) changes in the
// database: the wrapped forms of the shop's root key (engine_secrets
// 'root_key') and of every customer's data key (customer_keys), each
// "<master key id>:<sealed key>". Nothing sealed under those keys is read or
// written: the keys themselves stay the same, only their wrapping changes.
//
// Engines keep writing while a rotation runs, so every write here is a
// compare-and-set on the value read: a row erased meanwhile stays erased, a
// row another writer changed keeps that writer's value. The caller does the
// cryptography (`rewrap`); this repository only moves text.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "persistence/connection.hpp"

namespace persistence {

/// What rewrap_customer_keys did, over all its batches.
struct rewrap_totals {
  std::int64_t rewrapped = 0;        // rows now wrapped by the new master key
  std::int64_t left_alone = 0;       // rows erased or changed by someone else between read and write
  std::int64_t batches = 0;          // transactions
  std::set<std::string> unopenable;  // refs whose wrapped key `rewrap` could not open: left as they are
  bool stalled = false;              // rows still named the key id but stayed locked by other writers: run again
};

class key_rotation {
 public:
  /// The new wrapped form of `wrapped`, the data key of customer `ref`;
  /// nullopt when it does not open.
  using rewrap_fn = std::function<std::optional<std::string>(const std::string& ref, const std::string& wrapped)>;

  explicit key_rotation(connection& db);

  /// One rotation at a time for the whole database (every node): true when
  /// this connection holds the lock now, until it closes. Two rotations at
  /// once would each rewrap under a key of its own and one would then drop
  /// the other's key.
  bool try_lock();

  /// The root key as stored (wrapped); nullopt before any engine made one.
  std::optional<std::string> root_key();
  /// Stores `new_value` for the root key if it still is `old_value`; false
  /// when it changed meanwhile (and then nothing is written).
  bool replace_root_key(const std::string& old_value, const std::string& new_value);

  /// Rewraps every customer data key that `key_id` wrapped, `batch` rows per
  /// transaction, until no row names `key_id` any more (besides those
  /// `rewrap` cannot open). A row is written only if it still holds the
  /// value `rewrap` was given and no other transaction has it locked; a
  /// locked row is tried again in a later batch.
  rewrap_totals rewrap_customer_keys(const std::string& key_id, std::size_t batch, const rewrap_fn& rewrap);

  /// How many customer_keys rows each master key id wrapped.
  std::map<std::string, std::int64_t> customer_keys_by_master_key();

 private:
  connection& db_;
};

}  // namespace persistence
