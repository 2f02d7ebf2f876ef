#pragma once

// The master keys an engine holds. The current key wraps (seals) the keys
// stored in the database; any key of the file unwraps what it wrapped, found
// by the key id written in front of every wrapped key. A keyring read from a
// file looks at the file again when it changed (at most once a second), so
// `order_engine keys rotate` reaches a running engine without a restart.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sealing/secret_key.hpp"

namespace sealing {

class keyring {
 public:
  /// How long a keyring read from a file may go on with keys the file no
  /// longer holds: whoever replaces the file waits a little longer than this
  /// before relying on every engine having read it.
  static constexpr std::chrono::seconds recheck_interval{1};

  /// Reads `path` (see key_file.hpp); throws key_file_error.
  explicit keyring(std::string path);
  /// Fixed keys, the current first: for tests and the rotate command.
  explicit keyring(std::vector<secret_key> keys);

  /// "<key id>:<sealed key>", sealed by the current master key for `owner`
  /// (say "customer:<ref>"): it unwraps only for the same owner.
  std::string wrap(const secret_key& key, std::string_view owner) const;
  /// nullopt when no key of the ring wrapped it for `owner`.
  std::optional<secret_key> unwrap(std::string_view wrapped, std::string_view owner) const;
  /// `wrapped` unwrapped by whichever key of the ring wrapped it and wrapped
  /// again by the current key, for the same owner (the rotation's step);
  /// nullopt when it does not unwrap.
  std::optional<std::string> rewrap(std::string_view wrapped, std::string_view owner) const;

  std::string current_key_id() const;
  /// The key id a wrapped key names ("" when it names none).
  static std::string key_id_of(std::string_view wrapped);

 private:
  struct loaded {
    std::vector<secret_key> keys;
    std::vector<std::string> ids;
  };
  std::shared_ptr<const loaded> snapshot() const;
  static std::shared_ptr<const loaded> make(std::vector<secret_key> keys);

  std::string path_;  // empty: fixed keys
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const loaded> keys_;
  mutable std::filesystem::file_time_type file_time_{};
  mutable std::chrono::steady_clock::time_point checked_at_{};
};

}  // namespace sealing
