#pragma once

#include <caf/stateful_actor.hpp>

#include <deque>

#include "actors/interfaces.hpp"

namespace actors {

/// Numbers per block, the database's `order_number_blocks` sequence hands out
/// blocks; a node that stops leaves the rest of its block unused (numbers are
/// unique, not gap-free).
inline constexpr std::int64_t order_number_block_size = 100;

struct number_allocator_state {
  std::int64_t next = 0;  // next number to hand out
  std::int64_t end = 0;   // one past the current block
  std::deque<std::int64_t> spare_blocks;
  bool prefetching = false;
  static inline const char* name = "number_allocator";
};

/// "CCC-000123"
std::string format_order_number(std::int64_t n);

number_allocator_actor::behavior_type number_allocator_impl(
    number_allocator_actor::stateful_pointer<number_allocator_state> self, store_actor store,
    std::chrono::milliseconds ask_timeout);

}  // namespace actors
