#pragma once

// Where a block-scanning chain watcher stopped (migration 015), so that a
// restart or another node taking the watcher over carries on from there.

#include <cstdint>
#include <optional>
#include <string>

#include "persistence/connection.hpp"

namespace persistence {

class chain_cursor_store {
 public:
  explicit chain_cursor_store(connection& db);

  /// The next block the coin's watcher has to read; nullopt before its first scan.
  std::optional<std::uint64_t> next_block(const std::string& coin);

  /// Records that every block below `next_block` was read and its payments told.
  void advance(const std::string& coin, std::uint64_t next_block, std::int64_t at_ms);

 private:
  connection& db_;
};

}  // namespace persistence
