#pragma once

#include <caf/stateful_actor.hpp>

#include <memory>

#include "actors/interfaces.hpp"
#include "actors/number_stock.hpp"

namespace actors {

struct number_allocator_state {
  bool prefetching = false;
  static inline const char* name = "number_allocator";
};

/// "CCC-000123"
std::string format_order_number(std::int64_t n);

/// Keeps `stock` filled with blocks from the database: fetches the next block
/// when the stock runs low (prefetch_atom, or a number taken here), and hands
/// out a number to a checkout that found the stock empty, waiting for a block
/// if it must. The stock outlives a restart of this actor: its blocks are the
/// node's.
number_allocator_actor::behavior_type number_allocator_impl(
    number_allocator_actor::stateful_pointer<number_allocator_state> self, store_actor store,
    std::chrono::milliseconds ask_timeout, std::shared_ptr<number_stock> stock);

}  // namespace actors
