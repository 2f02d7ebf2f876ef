#pragma once

// The order numbers this node holds: blocks of the database's
// `order_number_blocks` sequence, shared between the checkouts, which take a
// number on the calling thread without asking an actor, and the number
// allocator, which refills the stock before it runs out.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace actors {

/// Numbers per block, the database's `order_number_blocks` sequence hands out
/// blocks; a node that stops leaves the rest of its block unused (numbers are
/// unique, not gap-free).
inline constexpr std::int64_t order_number_block_size = 100;

class number_stock {
 public:
  struct taken {
    std::int64_t number;
    bool running_low;  // time to fetch the next block
  };

  /// The next number, if the stock holds one.
  std::optional<taken> take();
  /// Block n: the numbers (n - 1) * 100 + 1 to n * 100.
  void add_block(std::int64_t block);
  /// A quarter of a block or less left, and no block in reserve.
  bool running_low() const;

 private:
  bool running_low_locked() const;

  mutable std::mutex mutex_;
  std::int64_t next_ = 0;  // next number to hand out
  std::int64_t end_ = 0;   // one past the current block
  std::deque<std::int64_t> spare_blocks_;
};

}  // namespace actors
